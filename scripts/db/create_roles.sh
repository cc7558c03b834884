#!/bin/sh
# Run once by the postgres image when its data directory is new (/docker-entrypoint-initdb.d/).
# Two roles, neither a superuser:
#   $DB_OWNER_USER  owns the database and its tables; only `manage.py migrate` connects as it.
#   $DB_APP_USER    what web, worker and beat connect as; migrate grants it SELECT/INSERT/UPDATE/DELETE,
#                   and on append-only tables SELECT/INSERT only (organisations/database_roles.py).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE "$DB_OWNER_USER" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$DB_OWNER_PASSWORD';
CREATE ROLE "$DB_APP_USER" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$DB_APP_PASSWORD';
CREATE DATABASE "$DB_NAME" OWNER "$DB_OWNER_USER";
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$DB_NAME" <<SQL
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO "$DB_OWNER_USER";
GRANT USAGE ON SCHEMA public TO "$DB_APP_USER";
SQL
