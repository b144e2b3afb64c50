#!/bin/sh
# The backup CronJob's first step (postgres image): pg_dump of the environment's schemas, in
# custom format, into $BACKUP_DIR, named <BACKUP_NAME>-<UTC time>.dump. The file is given its
# name only once pg_restore has read its table of contents back, so the upload step never sees
# a truncated dump.
set -eu
: "${DATABASE_URL:?}" "${DB_SCHEMAS:?}" "${BACKUP_DIR:?}" "${BACKUP_NAME:?}"

file="$BACKUP_DIR/$BACKUP_NAME-$(date -u +%Y%m%dT%H%M%SZ).dump"
set --
for schema in $DB_SCHEMAS; do set -- "$@" "--schema=$schema"; done

# --strict-names: a schema that does not exist fails the job instead of dumping nothing.
pg_dump --dbname="$DATABASE_URL" --format=custom --strict-names "$@" --file="$file.partial"
pg_restore --list "$file.partial" >/dev/null
mv "$file.partial" "$file"
echo "dumped $DB_SCHEMAS: $(basename "$file"), $(wc -c <"$file" | tr -d ' ') bytes"
