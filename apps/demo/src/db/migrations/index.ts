import type { MigrationObject } from '@mikro-orm/core';
import type { DialectName } from '@sluice/db';
import { Migration20261121044450_init as Mariadb_Init } from './mariadb/Migration20261121044450_init.ts';
import { Migration20261121062217_audit as Mariadb_Audit } from './mariadb/Migration20261121062217_audit.ts';
import { Migration20261121063657_export_tasks as Mariadb_ExportTasks } from './mariadb/Migration20261121063657_export_tasks.ts';
import { Migration20261130001730_sync as Mariadb_Sync } from './mariadb/Migration20261130001730_sync.ts';
import { Migration20261130003117_export_task_owner as Mariadb_ExportTaskOwner } from './mariadb/Migration20261130003117_export_task_owner.ts';
import { Migration20261130011732_export_task_crashes as Mariadb_ExportTaskCrashes } from './mariadb/Migration20261130011732_export_task_crashes.ts';
import { Migration20261130053249_export_task_unread_columns as Mariadb_ExportTaskUnreadColumns } from './mariadb/Migration20261130053249_export_task_unread_columns.ts';
import { Migration20261130093154_export_task_total_estimate as Mariadb_ExportTaskTotalEstimate } from './mariadb/Migration20261130093154_export_task_total_estimate.ts';
import { Migration20261207162755_saved_exports as Mariadb_SavedExports } from './mariadb/Migration20261207162755_saved_exports.ts';
import { Migration20261207163141_export_deliveries as Mariadb_ExportDeliveries } from './mariadb/Migration20261207163141_export_deliveries.ts';
import { Migration20261207165740_export_schedules as Mariadb_ExportSchedules } from './mariadb/Migration20261207165740_export_schedules.ts';
import { Migration20261207195329_audit_history_order as Mariadb_AuditHistoryOrder } from './mariadb/Migration20261207195329_audit_history_order.ts';
import { Migration20261121044450_init as Postgresql_Init } from './postgresql/Migration20261121044450_init.ts';
import { Migration20261121062217_audit as Postgresql_Audit } from './postgresql/Migration20261121062217_audit.ts';
import { Migration20261121063657_export_tasks as Postgresql_ExportTasks } from './postgresql/Migration20261121063657_export_tasks.ts';
import { Migration20261130001730_sync as Postgresql_Sync } from './postgresql/Migration20261130001730_sync.ts';
import { Migration20261130003117_export_task_owner as Postgresql_ExportTaskOwner } from './postgresql/Migration20261130003117_export_task_owner.ts';
import { Migration20261130011732_export_task_crashes as Postgresql_ExportTaskCrashes } from './postgresql/Migration20261130011732_export_task_crashes.ts';
import { Migration20261130053248_export_task_unread_columns as Postgresql_ExportTaskUnreadColumns } from './postgresql/Migration20261130053248_export_task_unread_columns.ts';
import { Migration20261130093153_export_task_total_estimate as Postgresql_ExportTaskTotalEstimate } from './postgresql/Migration20261130093153_export_task_total_estimate.ts';
import { Migration20261207162754_saved_exports as Postgresql_SavedExports } from './postgresql/Migration20261207162754_saved_exports.ts';
import { Migration20261207163141_export_deliveries as Postgresql_ExportDeliveries } from './postgresql/Migration20261207163141_export_deliveries.ts';
import { Migration20261207165739_export_schedules as Postgresql_ExportSchedules } from './postgresql/Migration20261207165739_export_schedules.ts';
import { Migration20261207195328_audit_history_order as Postgresql_AuditHistoryOrder } from './postgresql/Migration20261207195328_audit_history_order.ts';
import { Migration20261121044450_init as Sqlite_Init } from './sqlite/Migration20261121044450_init.ts';
import { Migration20261121062217_audit as Sqlite_Audit } from './sqlite/Migration20261121062217_audit.ts';
import { Migration20261121063657_export_tasks as Sqlite_ExportTasks } from './sqlite/Migration20261121063657_export_tasks.ts';
import { Migration20261130001730_sync as Sqlite_Sync } from './sqlite/Migration20261130001730_sync.ts';
import { Migration20261130003116_export_task_owner as Sqlite_ExportTaskOwner } from './sqlite/Migration20261130003116_export_task_owner.ts';
import { Migration20261130011731_export_task_crashes as Sqlite_ExportTaskCrashes } from './sqlite/Migration20261130011731_export_task_crashes.ts';
import { Migration20261130053248_export_task_unread_columns as Sqlite_ExportTaskUnreadColumns } from './sqlite/Migration20261130053248_export_task_unread_columns.ts';
import { Migration20261130093153_export_task_total_estimate as Sqlite_ExportTaskTotalEstimate } from './sqlite/Migration20261130093153_export_task_total_estimate.ts';
import { Migration20261207162754_saved_exports as Sqlite_SavedExports } from './sqlite/Migration20261207162754_saved_exports.ts';
import { Migration20261207163140_export_deliveries as Sqlite_ExportDeliveries } from './sqlite/Migration20261207163140_export_deliveries.ts';
import { Migration20261207165739_export_schedules as Sqlite_ExportSchedules } from './sqlite/Migration20261207165739_export_schedules.ts';
import { Migration20261207195328_audit_history_order as Sqlite_AuditHistoryOrder } from './sqlite/Migration20261207195328_audit_history_order.ts';

const byDialect: Record<DialectName, MigrationObject[]> = {
  sqlite: [
    { name: 'Migration20261121044450_init', class: Sqlite_Init },
    { name: 'Migration20261121062217_audit', class: Sqlite_Audit },
    { name: 'Migration20261121063657_export_tasks', class: Sqlite_ExportTasks },
    { name: 'Migration20261130001730_sync', class: Sqlite_Sync },
    { name: 'Migration20261130003116_export_task_owner', class: Sqlite_ExportTaskOwner },
    { name: 'Migration20261130011731_export_task_crashes', class: Sqlite_ExportTaskCrashes },
    { name: 'Migration20261130053248_export_task_unread_columns', class: Sqlite_ExportTaskUnreadColumns },
    { name: 'Migration20261130093153_export_task_total_estimate', class: Sqlite_ExportTaskTotalEstimate },
    { name: 'Migration20261207162754_saved_exports', class: Sqlite_SavedExports },
    { name: 'Migration20261207163140_export_deliveries', class: Sqlite_ExportDeliveries },
    { name: 'Migration20261207165739_export_schedules', class: Sqlite_ExportSchedules },
    { name: 'Migration20261207195328_audit_history_order', class: Sqlite_AuditHistoryOrder },
  ],
  postgresql: [
    { name: 'Migration20261121044450_init', class: Postgresql_Init },
    { name: 'Migration20261121062217_audit', class: Postgresql_Audit },
    { name: 'Migration20261121063657_export_tasks', class: Postgresql_ExportTasks },
    { name: 'Migration20261130001730_sync', class: Postgresql_Sync },
    { name: 'Migration20261130003117_export_task_owner', class: Postgresql_ExportTaskOwner },
    { name: 'Migration20261130011732_export_task_crashes', class: Postgresql_ExportTaskCrashes },
    { name: 'Migration20261130053248_export_task_unread_columns', class: Postgresql_ExportTaskUnreadColumns },
    { name: 'Migration20261130093153_export_task_total_estimate', class: Postgresql_ExportTaskTotalEstimate },
    { name: 'Migration20261207162754_saved_exports', class: Postgresql_SavedExports },
    { name: 'Migration20261207163141_export_deliveries', class: Postgresql_ExportDeliveries },
    { name: 'Migration20261207165739_export_schedules', class: Postgresql_ExportSchedules },
    { name: 'Migration20261207195328_audit_history_order', class: Postgresql_AuditHistoryOrder },
  ],
  mariadb: [
    { name: 'Migration20261121044450_init', class: Mariadb_Init },
    { name: 'Migration20261121062217_audit', class: Mariadb_Audit },
    { name: 'Migration20261121063657_export_tasks', class: Mariadb_ExportTasks },
    { name: 'Migration20261130001730_sync', class: Mariadb_Sync },
    { name: 'Migration20261130003117_export_task_owner', class: Mariadb_ExportTaskOwner },
    { name: 'Migration20261130011732_export_task_crashes', class: Mariadb_ExportTaskCrashes },
    { name: 'Migration20261130053249_export_task_unread_columns', class: Mariadb_ExportTaskUnreadColumns },
    { name: 'Migration20261130093154_export_task_total_estimate', class: Mariadb_ExportTaskTotalEstimate },
    { name: 'Migration20261207162755_saved_exports', class: Mariadb_SavedExports },
    { name: 'Migration20261207163141_export_deliveries', class: Mariadb_ExportDeliveries },
    { name: 'Migration20261207165740_export_schedules', class: Mariadb_ExportSchedules },
    { name: 'Migration20261207195329_audit_history_order', class: Mariadb_AuditHistoryOrder },
  ],
};

/**
 * The migrations of one dialect, in order. Each dialect has its own folder because MikroORM
 * generates dialect-specific DDL; `npm run migration:create -w @sluice/demo -- <name>` writes the
 * next one for all three, after which it is registered here.
 */
export function migrationsFor(dialect: DialectName): MigrationObject[] {
  return byDialect[dialect];
}
