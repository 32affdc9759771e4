// Migrations in the order they run. Append only: a released migration is never edited.
import { migration0001 } from './0001-initial-schema';
import { migration0002 } from './0002-backoffice';
import { migration0003 } from './0003-conversation-fence';
import { migration0004 } from './0004-turn-path-indexes';
import { migration0005 } from './0005-open-channel-names';
import { migration0006 } from './0006-unguessable-references';
import { migration0007 } from './0007-agent-sessions';
import { migration0008 } from './0008-request-timeline';
import { migration0010 } from './0010-teams-routing';
import { migration0011 } from './0011-saved-replies';
import { migration0012 } from './0012-queue';
import { migration0013 } from './0013-callbacks';
import { migration0014 } from './0014-interventions';
import { migration0015 } from './0015-transfers';
import { migration0016 } from './0016-intervention-photos';
import { migration0017 } from './0017-media';
import { migration0021 } from './0021-steering-indicators';
import { migration0024 } from './0024-knowledge-gaps';
import { migration0025 } from './0025-satisfaction';
import { migration0026 } from './0026-indicators-rollup';
import { migration0027 } from './0027-voice-message-requests';
import { migration0028 } from './0028-indicators-levels';
import { migration0030 } from './0030-media-deletions';
import { migration0031 } from './0031-intervention-authority';
import { migration0032 } from './0032-retention-due';
import { migration0033 } from './0033-rebuild-monthly-delays';
import { migration0034 } from './0034-daily-counts-hot';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
  migration0017,
  migration0021,
  migration0024,
  migration0025,
  migration0026,
  migration0027,
  migration0028,
  migration0030,
  migration0031,
  migration0032,
  migration0033,
  migration0034,
];
