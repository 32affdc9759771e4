// Retention of personal data: the purge/anonymisation job, its in-server schedule and the cron entry point.
export { runRetention, type RetentionOptions, type RetentionReport, type TenantRetention } from './retention';
export { anonymisePayload, ANONYMISED_MARK, type AnonymisedPayload } from './anonymise';
export {
  startRetentionSchedule,
  retentionOf,
  type RetentionSchedule,
  type RetentionScheduleOptions,
} from './schedule';
