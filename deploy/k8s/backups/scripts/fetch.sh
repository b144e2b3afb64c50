#!/bin/bash
# The restore Job's first step (aws-cli image): downloads s3://$BACKUP_BUCKET/$BACKUP_KEY into
# $BACKUP_DIR/restore.dump. BACKUP_KEY=latest takes this environment's newest dump (names
# carry their UTC time, so the last name is the newest).
set -euo pipefail
: "${BACKUP_DIR:?}" "${BACKUP_BUCKET:?}" "${BACKUP_PREFIX:?}" "${BACKUP_NAME:?}" "${BACKUP_KEY:?}"

key=$BACKUP_KEY
if [ "$key" = latest ]; then
  key=$(aws s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX$BACKUP_NAME-" \
    --query 'Contents[].Key' --output text | tr '\t' '\n' | grep '\.dump$' | sort | tail -n 1 || true)
  if [ -z "$key" ]; then
    echo "no dump under s3://$BACKUP_BUCKET/$BACKUP_PREFIX$BACKUP_NAME-" >&2
    exit 1
  fi
fi
aws s3 cp "s3://$BACKUP_BUCKET/$key" "$BACKUP_DIR/restore.dump" --only-show-errors
echo "fetched s3://$BACKUP_BUCKET/$key ($(stat -c %s "$BACKUP_DIR/restore.dump") bytes)"
