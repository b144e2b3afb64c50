#!/bin/sh
# The restore Job's second step (postgres image): restores $BACKUP_DIR/restore.dump into
# DATABASE_URL's database in one transaction. Each schema of $DB_SCHEMAS that exists is first
# renamed aside to <schema>_old_<UTC time> (kept for comparison; drop it when done), then the
# dump recreates the schema under its own name. Any error rolls both back: the live schema is
# untouched unless the whole restore succeeds.
set -eu
: "${DATABASE_URL:?}" "${DB_SCHEMAS:?}" "${BACKUP_DIR:?}"

stamp=$(date -u +%Y%m%d%H%M%S)
: >"$BACKUP_DIR/rename.sql"
for schema in $DB_SCHEMAS; do
  case "$schema" in *[!a-z0-9_]* | [0-9]* | '') echo "bad schema name: $schema" >&2; exit 1 ;; esac
  cat >>"$BACKUP_DIR/rename.sql" <<SQL
DO \$\$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '$schema') THEN
    ALTER SCHEMA $schema RENAME TO ${schema}_old_$stamp;
  END IF;
END \$\$;
SQL
done
# The whole script is written out first: psql must never commit a script cut short.
# Owners and grants are the restoring role's: the environment's own role owns its schema.
pg_restore --no-owner --no-acl --file="$BACKUP_DIR/restore.sql" "$BACKUP_DIR/restore.dump"
# -1 with ON_ERROR_STOP: BEGIN before the first file, COMMIT after the last, ROLLBACK on error.
psql --dbname="$DATABASE_URL" --no-psqlrc --quiet --single-transaction --set=ON_ERROR_STOP=1 \
  --file="$BACKUP_DIR/rename.sql" --file="$BACKUP_DIR/restore.sql" >/dev/null
for schema in $DB_SCHEMAS; do
  echo "restored $schema; the schema it replaced, if any, is now ${schema}_old_$stamp"
done
