import { Migration } from '@mikro-orm/migrations';

export class Migration20261121044450_init extends Migration {

  override name = 'Migration20261121044450_init';

  override up(): void | Promise<void> {
    this.addSql(`create table "activity_type" ("id" serial primary key, "name" varchar(100) not null);`);

    this.addSql(`create table "app_user" ("id" serial primary key, "username" varchar(100) not null, "password_hash" varchar(255) not null, "roles" jsonb not null);`);
    this.addSql(`alter table "app_user" add constraint "app_user_username_unique" unique ("username");`);

    this.addSql(`create table "app_session" ("token_hash" varchar(64) not null, "user_id" int not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("token_hash"));`);
    this.addSql(`create index "app_session_user_id_index" on "app_session" ("user_id");`);
    this.addSql(`create index "app_session_expires_at_index" on "app_session" ("expires_at");`);

    this.addSql(`create table "center" ("id" serial primary key, "name" varchar(100) not null);`);

    this.addSql(`create table "app_user_centers" ("app_user_id" int not null, "center_id" int not null, primary key ("app_user_id", "center_id"));`);

    this.addSql(`create table "person" ("id" serial primary key, "first_name" varchar(100) not null, "last_name" varchar(100) not null, "gender" text null, "birthdate" date null, "nationality" varchar(2) null, "center_id" int not null, "created_at" timestamptz(6) not null);`);
    this.addSql(`create index "person_center_id_index" on "person" ("center_id");`);
    this.addSql(`create index "person_last_name_id_index" on "person" ("last_name", "id");`);
    this.addSql(`create index "person_first_name_id_index" on "person" ("first_name", "id");`);
    this.addSql(`create index "person_birthdate_id_index" on "person" ("birthdate", "id");`);
    this.addSql(`create index "person_created_at_id_index" on "person" ("created_at", "id");`);
    this.addSql(`create index "person_nationality_id_index" on "person" ("nationality", "id");`);

    this.addSql(`create table "activity" ("id" serial primary key, "person_id" int not null, "type_id" int not null, "date" date not null, "duration_minutes" int not null, "created_at" timestamptz(6) not null);`);
    this.addSql(`create index "activity_person_id_index" on "activity" ("person_id");`);
    this.addSql(`create index "activity_type_id_index" on "activity" ("type_id");`);
    this.addSql(`create index "activity_date_id_index" on "activity" ("date", "id");`);
    this.addSql(`create index "activity_duration_minutes_id_index" on "activity" ("duration_minutes", "id");`);

    this.addSql(`create table "product" ("id" serial primary key, "name" varchar(100) not null, "price" int not null);`);

    this.addSql(`create table "status" ("id" serial primary key, "name" varchar(50) not null);`);

    this.addSql(`create table "customer_order" ("id" serial primary key, "person_id" int not null, "status_id" int not null, "total_price" int not null, "delivery_date" date null, "created_at" timestamptz(6) not null, "updated_at" timestamptz(6) not null);`);
    this.addSql(`create index "customer_order_person_id_index" on "customer_order" ("person_id");`);
    this.addSql(`create index "customer_order_status_id_index" on "customer_order" ("status_id");`);
    this.addSql(`create index "customer_order_created_at_id_index" on "customer_order" ("created_at", "id");`);
    this.addSql(`create index "customer_order_total_price_id_index" on "customer_order" ("total_price", "id");`);
    this.addSql(`create index "customer_order_delivery_date_id_index" on "customer_order" ("delivery_date", "id");`);

    this.addSql(`create table "customer_order_products" ("customer_order_id" int not null, "product_id" int not null, primary key ("customer_order_id", "product_id"));`);

    this.addSql(`alter table "app_session" add constraint "app_session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);

    this.addSql(`alter table "app_user_centers" add constraint "app_user_centers_app_user_id_foreign" foreign key ("app_user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "app_user_centers" add constraint "app_user_centers_center_id_foreign" foreign key ("center_id") references "center" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "person" add constraint "person_center_id_foreign" foreign key ("center_id") references "center" ("id");`);
    this.addSql(`alter table "person" add constraint "person_gender_check" check ("gender" in ('female', 'male', 'other'));`);

    this.addSql(`alter table "activity" add constraint "activity_person_id_foreign" foreign key ("person_id") references "person" ("id") on delete cascade;`);
    this.addSql(`alter table "activity" add constraint "activity_type_id_foreign" foreign key ("type_id") references "activity_type" ("id");`);

    this.addSql(`alter table "customer_order" add constraint "customer_order_person_id_foreign" foreign key ("person_id") references "person" ("id") on delete cascade;`);
    this.addSql(`alter table "customer_order" add constraint "customer_order_status_id_foreign" foreign key ("status_id") references "status" ("id");`);

    this.addSql(`alter table "customer_order_products" add constraint "customer_order_products_customer_order_id_foreign" foreign key ("customer_order_id") references "customer_order" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "customer_order_products" add constraint "customer_order_products_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "activity" drop constraint "activity_type_id_foreign";`);
    this.addSql(`alter table "app_session" drop constraint "app_session_user_id_foreign";`);
    this.addSql(`alter table "app_user_centers" drop constraint "app_user_centers_app_user_id_foreign";`);
    this.addSql(`alter table "app_user_centers" drop constraint "app_user_centers_center_id_foreign";`);
    this.addSql(`alter table "person" drop constraint "person_center_id_foreign";`);
    this.addSql(`alter table "activity" drop constraint "activity_person_id_foreign";`);
    this.addSql(`alter table "customer_order" drop constraint "customer_order_person_id_foreign";`);
    this.addSql(`alter table "customer_order_products" drop constraint "customer_order_products_product_id_foreign";`);
    this.addSql(`alter table "customer_order" drop constraint "customer_order_status_id_foreign";`);
    this.addSql(`alter table "customer_order_products" drop constraint "customer_order_products_customer_order_id_foreign";`);

    this.addSql(`drop table if exists "activity_type" cascade;`);
    this.addSql(`drop table if exists "app_user" cascade;`);
    this.addSql(`drop table if exists "app_session" cascade;`);
    this.addSql(`drop table if exists "center" cascade;`);
    this.addSql(`drop table if exists "app_user_centers" cascade;`);
    this.addSql(`drop table if exists "person" cascade;`);
    this.addSql(`drop table if exists "activity" cascade;`);
    this.addSql(`drop table if exists "product" cascade;`);
    this.addSql(`drop table if exists "status" cascade;`);
    this.addSql(`drop table if exists "customer_order" cascade;`);
    this.addSql(`drop table if exists "customer_order_products" cascade;`);
  }

}
