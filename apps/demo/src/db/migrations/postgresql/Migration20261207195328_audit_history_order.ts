import { Migration } from '@mikro-orm/migrations';

export class Migration20261207195328_audit_history_order extends Migration {

  override name = 'Migration20261207195328_audit_history_order';

  override up(): void | Promise<void> {
    this.addSql(`drop index "audit_change_entity_type_entity_id_revision_id_index";`);
    this.addSql(`create index "audit_change_entity_type_entity_id_revision_id_id_index" on "audit_change" ("entity_type", "entity_id", "revision_id", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "audit_change_entity_type_entity_id_revision_id_id_index";`);
    this.addSql(`create index "audit_change_entity_type_entity_id_revision_id_index" on "audit_change" ("entity_type", "entity_id", "revision_id");`);
  }

}
