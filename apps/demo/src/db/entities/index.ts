import { auditEntities } from '@sluice/audit';
import { ExportDelivery, ExportSchedule, ExportTask, ExportTaskOwner, SavedExport, ScheduleRun } from '@sluice/export';
import { syncEntities } from '@sluice/sync';
import { Activity } from './activity.ts';
import { ActivityType } from './activity-type.ts';
import { AppSession } from './app-session.ts';
import { AppUser } from './app-user.ts';
import { Center } from './center.ts';
import { CustomerOrder } from './customer-order.ts';
import { Person } from './person.ts';
import { Product } from './product.ts';
import { Status } from './status.ts';

export { type UserRole, userRoles } from './app-user.ts';
export { type Gender, genders } from './person.ts';
export { statusNames } from './status.ts';
export { Activity, ActivityType, AppSession, AppUser, Center, CustomerOrder, Person, Product, Status };

/** Every entity of the demo (history, export-task, saved-export, schedule and sync tables included), for the ORM configuration. */
export const entities = [
  Center,
  AppUser,
  AppSession,
  Person,
  ActivityType,
  Activity,
  Status,
  Product,
  CustomerOrder,
  ExportTask,
  ExportTaskOwner,
  ExportDelivery,
  SavedExport,
  ExportSchedule,
  ScheduleRun,
  ...auditEntities,
  ...syncEntities,
];
