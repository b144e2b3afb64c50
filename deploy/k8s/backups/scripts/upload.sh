#!/bin/bash
# The backup CronJob's second step (aws-cli image): uploads the dump that dump.sh left in
# $BACKUP_DIR to s3://$BACKUP_BUCKET/$BACKUP_PREFIX, checks the stored size, then deletes this
# environment's dumps older than $RETENTION_DAYS (the bucket's lifecycle rule does the same on
# its own; this keeps storage without one to the same rule). Dump names carry their UTC time,
# so age is read from the name, and nothing younger than the cut-off is ever touched.
set -euo pipefail
: "${BACKUP_DIR:?}" "${BACKUP_BUCKET:?}" "${BACKUP_PREFIX:?}" "${BACKUP_NAME:?}" "${RETENTION_DAYS:?}" "${DB_SCHEMAS:?}"

shopt -s nullglob
dumps=("$BACKUP_DIR"/"$BACKUP_NAME"-*.dump)
if [ "${#dumps[@]}" -ne 1 ]; then
  echo "expected one dump in $BACKUP_DIR, found ${#dumps[@]}" >&2
  exit 1
fi
file=${dumps[0]}
key="$BACKUP_PREFIX$(basename "$file")"

aws s3 cp "$file" "s3://$BACKUP_BUCKET/$key" --only-show-errors \
  --checksum-algorithm SHA256 --metadata "{\"schemas\":\"$DB_SCHEMAS\"}"
stored=$(aws s3api head-object --bucket "$BACKUP_BUCKET" --key "$key" --query ContentLength --output text)
local_size=$(stat -c %s "$file")
if [ "$stored" != "$local_size" ]; then
  echo "s3://$BACKUP_BUCKET/$key holds $stored bytes, the dump has $local_size" >&2
  exit 1
fi
echo "uploaded s3://$BACKUP_BUCKET/$key ($local_size bytes)"

cutoff="$BACKUP_NAME-$(date -u -d "-$RETENTION_DAYS days" +%Y%m%dT%H%M%SZ).dump"
aws s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX$BACKUP_NAME-" \
  --query 'Contents[].Key' --output text | tr '\t' '\n' |
  while read -r old; do
    name=${old#"$BACKUP_PREFIX"}
    if [[ "$old" == *.dump && "$name" < "$cutoff" ]]; then
      aws s3 rm "s3://$BACKUP_BUCKET/$old" --only-show-errors
      echo "deleted s3://$BACKUP_BUCKET/$old (older than $RETENTION_DAYS days)"
    fi
  done
