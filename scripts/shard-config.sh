# Sourced by scripts/dev.sh and scripts/serve-test.sh: the wrangler configuration of provinces
# with D1 databases of their own (issue #20; docs/SHARDING.md step 6).

# shard_bindings MIGRATIONS_DIR SHARD...: a [[d1_databases]] entry `DB_Pnn` per shard, the same
# ids in every config so that the public Worker and the back office share each file, as they
# share DB.
shard_bindings() {
  local migrations="$1" p
  shift
  for p in "$@"; do
    printf '\n[[d1_databases]]\nbinding = "DB_P%s"\ndatabase_name = "motcua-p%s"\ndatabase_id = "00000000-0000-0000-0000-0000000000%s"\nmigrations_dir = "%s"\n' "$p" "$p" "$p" "$migrations"
  done
}

# shard_files STATE CONFIG SHARD...: applies the shard schema to each shard's local D1 (idempotent)
# and prints "NN=FILE" for each. Miniflare names a database's file by a hash, so the file a shard
# gets when it is first created is recorded in STATE/shard-files.
shard_files() {
  local state="$1" config="$2" p file before after
  shift 2
  local map="$state/shard-files" dir="$state/v3/d1/miniflare-D1DatabaseObject"
  touch "$map"
  for p in "$@"; do
    file="$(awk -v p="$p" '$1 == p {print $2}' "$map")"
    before="$(ls "$dir"/*.sqlite 2>/dev/null | sort)"
    wrangler d1 migrations apply "DB_P$p" --local --persist-to "$state" -c "$config" >/dev/null
    if [ -z "$file" ]; then
      after="$(ls "$dir"/*.sqlite 2>/dev/null | sort)"
      file="$(comm -13 <(echo "$before") <(echo "$after") | grep -v metadata.sqlite || true)"
      if [ "$(echo "$file" | grep -c .)" != 1 ]; then
        echo "shard $p: cannot tell its D1 file in $dir (a state made before $map): remove $state and start again" >&2
        return 1
      fi
      echo "$p $file" >> "$map"
    fi
    echo "$p=$file"
  done
}
