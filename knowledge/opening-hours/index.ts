// Opening-hours evaluation in the territory's time zone, with public holidays and dated exceptions.
export {
  hoursOn,
  isOpenAt,
  nextOpening,
  openIntervals,
  statusNow,
  type ClosedReason,
  type DayHours,
  type OpenInterval,
  type Schedule,
  type ScheduleContext,
  type Status,
} from './evaluate';
export {
  describeDay,
  describeStatus,
  formatClock,
  formatDate,
  formatInstant,
  weekSummary,
  type Locale,
  type NamedSchedule,
  type PhrasingOptions,
} from './format';
export { openingHoursError, parseOpeningHours, publicHolidayName, type HolidayRegion } from './library';
export { fromWall, isoDateIn, toWall } from './wall-clock';
