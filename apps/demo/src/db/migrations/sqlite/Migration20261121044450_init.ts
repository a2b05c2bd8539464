import { Migration } from '@mikro-orm/migrations';

export class Migration20261121044450_init extends Migration {

  override name = 'Migration20261121044450_init';

  override up(): void | Promise<void> {
    this.addSql(`create table \`activity_type\` (\`id\` integer not null primary key autoincrement, \`name\` text not null);`);

    this.addSql(`create table \`app_user\` (\`id\` integer not null primary key autoincrement, \`username\` text not null, \`password_hash\` text not null, \`roles\` json not null);`);
    this.addSql(`create unique index \`app_user_username_unique\` on \`app_user\` (\`username\`);`);

    this.addSql(`create table \`app_session\` (\`token_hash\` text not null primary key, \`user_id\` integer not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, constraint \`app_session_user_id_foreign\` foreign key (\`user_id\`) references \`app_user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`app_session_user_id_index\` on \`app_session\` (\`user_id\`);`);
    this.addSql(`create index \`app_session_expires_at_index\` on \`app_session\` (\`expires_at\`);`);

    this.addSql(`create table \`center\` (\`id\` integer not null primary key autoincrement, \`name\` text not null);`);

    this.addSql(`create table \`app_user_centers\` (\`app_user_id\` integer not null, \`center_id\` integer not null, primary key (\`app_user_id\`, \`center_id\`), constraint \`app_user_centers_app_user_id_foreign\` foreign key (\`app_user_id\`) references \`app_user\` (\`id\`) on update cascade on delete cascade, constraint \`app_user_centers_center_id_foreign\` foreign key (\`center_id\`) references \`center\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`app_user_centers_app_user_id_index\` on \`app_user_centers\` (\`app_user_id\`);`);
    this.addSql(`create index \`app_user_centers_center_id_index\` on \`app_user_centers\` (\`center_id\`);`);

    this.addSql(`create table \`person\` (\`id\` integer not null primary key autoincrement, \`first_name\` text not null, \`last_name\` text not null, \`gender\` text check (\`gender\` in ('female', 'male', 'other')) null, \`birthdate\` date null, \`nationality\` text null, \`center_id\` integer not null, \`created_at\` datetime not null, constraint \`person_center_id_foreign\` foreign key (\`center_id\`) references \`center\` (\`id\`));`);
    this.addSql(`create index \`person_center_id_index\` on \`person\` (\`center_id\`);`);
    this.addSql(`create index \`person_last_name_id_index\` on \`person\` (\`last_name\`, \`id\`);`);
    this.addSql(`create index \`person_first_name_id_index\` on \`person\` (\`first_name\`, \`id\`);`);
    this.addSql(`create index \`person_birthdate_id_index\` on \`person\` (\`birthdate\`, \`id\`);`);
    this.addSql(`create index \`person_created_at_id_index\` on \`person\` (\`created_at\`, \`id\`);`);
    this.addSql(`create index \`person_nationality_id_index\` on \`person\` (\`nationality\`, \`id\`);`);

    this.addSql(`create table \`activity\` (\`id\` integer not null primary key autoincrement, \`person_id\` integer not null, \`type_id\` integer not null, \`date\` date not null, \`duration_minutes\` integer not null, \`created_at\` datetime not null, constraint \`activity_person_id_foreign\` foreign key (\`person_id\`) references \`person\` (\`id\`) on delete cascade, constraint \`activity_type_id_foreign\` foreign key (\`type_id\`) references \`activity_type\` (\`id\`));`);
    this.addSql(`create index \`activity_person_id_index\` on \`activity\` (\`person_id\`);`);
    this.addSql(`create index \`activity_type_id_index\` on \`activity\` (\`type_id\`);`);
    this.addSql(`create index \`activity_date_id_index\` on \`activity\` (\`date\`, \`id\`);`);
    this.addSql(`create index \`activity_duration_minutes_id_index\` on \`activity\` (\`duration_minutes\`, \`id\`);`);

    this.addSql(`create table \`product\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`price\` integer not null);`);

    this.addSql(`create table \`status\` (\`id\` integer not null primary key autoincrement, \`name\` text not null);`);

    this.addSql(`create table \`customer_order\` (\`id\` integer not null primary key autoincrement, \`person_id\` integer not null, \`status_id\` integer not null, \`total_price\` integer not null, \`delivery_date\` date null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`customer_order_person_id_foreign\` foreign key (\`person_id\`) references \`person\` (\`id\`) on delete cascade, constraint \`customer_order_status_id_foreign\` foreign key (\`status_id\`) references \`status\` (\`id\`));`);
    this.addSql(`create index \`customer_order_person_id_index\` on \`customer_order\` (\`person_id\`);`);
    this.addSql(`create index \`customer_order_status_id_index\` on \`customer_order\` (\`status_id\`);`);
    this.addSql(`create index \`customer_order_created_at_id_index\` on \`customer_order\` (\`created_at\`, \`id\`);`);
    this.addSql(`create index \`customer_order_total_price_id_index\` on \`customer_order\` (\`total_price\`, \`id\`);`);
    this.addSql(`create index \`customer_order_delivery_date_id_index\` on \`customer_order\` (\`delivery_date\`, \`id\`);`);

    this.addSql(`create table \`customer_order_products\` (\`customer_order_id\` integer not null, \`product_id\` integer not null, primary key (\`customer_order_id\`, \`product_id\`), constraint \`customer_order_products_customer_order_id_foreign\` foreign key (\`customer_order_id\`) references \`customer_order\` (\`id\`) on update cascade on delete cascade, constraint \`customer_order_products_product_id_foreign\` foreign key (\`product_id\`) references \`product\` (\`id\`) on update cascade on delete cascade);`);
    this.addSql(`create index \`customer_order_products_customer_order_id_index\` on \`customer_order_products\` (\`customer_order_id\`);`);
    this.addSql(`create index \`customer_order_products_product_id_index\` on \`customer_order_products\` (\`product_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`activity_type\`;`);
    this.addSql(`drop table if exists \`app_user\`;`);
    this.addSql(`drop table if exists \`app_session\`;`);
    this.addSql(`drop table if exists \`center\`;`);
    this.addSql(`drop table if exists \`app_user_centers\`;`);
    this.addSql(`drop table if exists \`person\`;`);
    this.addSql(`drop table if exists \`activity\`;`);
    this.addSql(`drop table if exists \`product\`;`);
    this.addSql(`drop table if exists \`status\`;`);
    this.addSql(`drop table if exists \`customer_order\`;`);
    this.addSql(`drop table if exists \`customer_order_products\`;`);
  }

}
