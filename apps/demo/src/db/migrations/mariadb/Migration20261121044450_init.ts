import { Migration } from '@mikro-orm/migrations';

export class Migration20261121044450_init extends Migration {

  override name = 'Migration20261121044450_init';

  override up(): void | Promise<void> {
    this.addSql(`create table \`activity_type\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(100) not null) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`app_user\` (\`id\` int unsigned not null auto_increment primary key, \`username\` varchar(100) not null, \`password_hash\` varchar(255) not null, \`roles\` json not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`app_user\` add unique \`app_user_username_unique\` (\`username\`);`);

    this.addSql(`create table \`app_session\` (\`token_hash\` varchar(64) not null, \`user_id\` int unsigned not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, primary key (\`token_hash\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`app_session\` add index \`app_session_user_id_index\` (\`user_id\`);`);
    this.addSql(`alter table \`app_session\` add index \`app_session_expires_at_index\` (\`expires_at\`);`);

    this.addSql(`create table \`center\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(100) not null) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`app_user_centers\` (\`app_user_id\` int unsigned not null, \`center_id\` int unsigned not null, primary key (\`app_user_id\`, \`center_id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`app_user_centers\` add index \`app_user_centers_app_user_id_index\` (\`app_user_id\`);`);
    this.addSql(`alter table \`app_user_centers\` add index \`app_user_centers_center_id_index\` (\`center_id\`);`);

    this.addSql(`create table \`person\` (\`id\` int unsigned not null auto_increment primary key, \`first_name\` varchar(100) not null, \`last_name\` varchar(100) not null, \`gender\` enum('female','male','other') null, \`birthdate\` date null, \`nationality\` varchar(2) null, \`center_id\` int unsigned not null, \`created_at\` datetime(6) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`person\` add index \`person_center_id_index\` (\`center_id\`);`);
    this.addSql(`alter table \`person\` add index \`person_last_name_id_index\` (\`last_name\`, \`id\`);`);
    this.addSql(`alter table \`person\` add index \`person_first_name_id_index\` (\`first_name\`, \`id\`);`);
    this.addSql(`alter table \`person\` add index \`person_birthdate_id_index\` (\`birthdate\`, \`id\`);`);
    this.addSql(`alter table \`person\` add index \`person_created_at_id_index\` (\`created_at\`, \`id\`);`);
    this.addSql(`alter table \`person\` add index \`person_nationality_id_index\` (\`nationality\`, \`id\`);`);

    this.addSql(`create table \`activity\` (\`id\` int unsigned not null auto_increment primary key, \`person_id\` int unsigned not null, \`type_id\` int unsigned not null, \`date\` date not null, \`duration_minutes\` int not null, \`created_at\` datetime(6) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`activity\` add index \`activity_person_id_index\` (\`person_id\`);`);
    this.addSql(`alter table \`activity\` add index \`activity_type_id_index\` (\`type_id\`);`);
    this.addSql(`alter table \`activity\` add index \`activity_date_id_index\` (\`date\`, \`id\`);`);
    this.addSql(`alter table \`activity\` add index \`activity_duration_minutes_id_index\` (\`duration_minutes\`, \`id\`);`);

    this.addSql(`create table \`product\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(100) not null, \`price\` int not null) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`status\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(50) not null) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`customer_order\` (\`id\` int unsigned not null auto_increment primary key, \`person_id\` int unsigned not null, \`status_id\` int unsigned not null, \`total_price\` int not null, \`delivery_date\` date null, \`created_at\` datetime(6) not null, \`updated_at\` datetime(6) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`customer_order\` add index \`customer_order_person_id_index\` (\`person_id\`);`);
    this.addSql(`alter table \`customer_order\` add index \`customer_order_status_id_index\` (\`status_id\`);`);
    this.addSql(`alter table \`customer_order\` add index \`customer_order_created_at_id_index\` (\`created_at\`, \`id\`);`);
    this.addSql(`alter table \`customer_order\` add index \`customer_order_total_price_id_index\` (\`total_price\`, \`id\`);`);
    this.addSql(`alter table \`customer_order\` add index \`customer_order_delivery_date_id_index\` (\`delivery_date\`, \`id\`);`);

    this.addSql(`create table \`customer_order_products\` (\`customer_order_id\` int unsigned not null, \`product_id\` int unsigned not null, primary key (\`customer_order_id\`, \`product_id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`customer_order_products\` add index \`customer_order_products_customer_order_id_index\` (\`customer_order_id\`);`);
    this.addSql(`alter table \`customer_order_products\` add index \`customer_order_products_product_id_index\` (\`product_id\`);`);

    this.addSql(`alter table \`app_session\` add constraint \`app_session_user_id_foreign\` foreign key (\`user_id\`) references \`app_user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`app_user_centers\` add constraint \`app_user_centers_app_user_id_foreign\` foreign key (\`app_user_id\`) references \`app_user\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`app_user_centers\` add constraint \`app_user_centers_center_id_foreign\` foreign key (\`center_id\`) references \`center\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`person\` add constraint \`person_center_id_foreign\` foreign key (\`center_id\`) references \`center\` (\`id\`);`);

    this.addSql(`alter table \`activity\` add constraint \`activity_person_id_foreign\` foreign key (\`person_id\`) references \`person\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`activity\` add constraint \`activity_type_id_foreign\` foreign key (\`type_id\`) references \`activity_type\` (\`id\`);`);

    this.addSql(`alter table \`customer_order\` add constraint \`customer_order_person_id_foreign\` foreign key (\`person_id\`) references \`person\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`customer_order\` add constraint \`customer_order_status_id_foreign\` foreign key (\`status_id\`) references \`status\` (\`id\`);`);

    this.addSql(`alter table \`customer_order_products\` add constraint \`customer_order_products_customer_order_id_foreign\` foreign key (\`customer_order_id\`) references \`customer_order\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`customer_order_products\` add constraint \`customer_order_products_product_id_foreign\` foreign key (\`product_id\`) references \`product\` (\`id\`) on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`activity\` drop foreign key \`activity_type_id_foreign\`;`);
    this.addSql(`alter table \`app_session\` drop foreign key \`app_session_user_id_foreign\`;`);
    this.addSql(`alter table \`app_user_centers\` drop foreign key \`app_user_centers_app_user_id_foreign\`;`);
    this.addSql(`alter table \`app_user_centers\` drop foreign key \`app_user_centers_center_id_foreign\`;`);
    this.addSql(`alter table \`person\` drop foreign key \`person_center_id_foreign\`;`);
    this.addSql(`alter table \`activity\` drop foreign key \`activity_person_id_foreign\`;`);
    this.addSql(`alter table \`customer_order\` drop foreign key \`customer_order_person_id_foreign\`;`);
    this.addSql(`alter table \`customer_order_products\` drop foreign key \`customer_order_products_product_id_foreign\`;`);
    this.addSql(`alter table \`customer_order\` drop foreign key \`customer_order_status_id_foreign\`;`);
    this.addSql(`alter table \`customer_order_products\` drop foreign key \`customer_order_products_customer_order_id_foreign\`;`);

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
