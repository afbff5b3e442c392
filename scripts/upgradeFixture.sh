#!/usr/bin/env bash
# Regenerates test/fixtures/upgrade/ (issue 16 item 7): the database of the previous release — the commit
# before the newest migration was added — filled by that release's own end-to-end test
# (test/server/applications/lifecycle.test.ts), once on SQLite (the file, gzipped) and once on MariaDB
# (mariadb-dump of it, gzipped). Run from the repository with MariaDB on 127.0.0.1:3306 (root, no
# password): scripts/upgradeFixture.sh [commit]. Takes about a minute; leaves nothing behind but the fixture.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

newest=$(git log -1 --diff-filter=A --format=%H -- server/src/db/migrations/)
commit=${1:-$(git rev-parse "$newest^")}
out="$repo/test/fixtures/upgrade"
work=$(mktemp -d /tmp/shangyun-upgrade-fixture-XXXXXX)
db="shangyun_upgrade_fixture_$$"
cleanup() {
  git -C "$repo" worktree remove --force "$work/prev" 2>/dev/null || true
  mysql -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$db\`" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git worktree add --detach "$work/prev" "$commit" >/dev/null
ln -s "$(git rev-parse --path-format=absolute --git-common-dir)/../node_modules" "$work/prev/node_modules"
cd "$work/prev"
# That release's tests keep SQLite in memory: here its database goes to a file that outlives the test.
sed -i "s|openDatabase(config, { sqliteFile: ':memory:' })|openDatabase(config, { sqliteFile: process.env.FIXTURE_SQLITE ?? ':memory:' })|" test/helpers/db.ts
grep -q FIXTURE_SQLITE test/helpers/db.ts

mkdir -p "$out"
FIXTURE_SQLITE="$work/previous.sqlite" npx jest test/server/applications/lifecycle.test.ts
# One self-contained file (no -wal beside it), compacted.
node -e "const D=require('better-sqlite3'); const d=new D(process.argv[1]); d.pragma('journal_mode = DELETE'); d.exec('VACUUM'); d.close();" "$work/previous.sqlite"
gzip -9n <"$work/previous.sqlite" >"$out/previous.sqlite.gz"

mysql -h127.0.0.1 -uroot -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
DATABASE_URL="mysql://root@127.0.0.1:3306/$db" npx jest test/server/applications/lifecycle.test.ts
mariadb-dump -h127.0.0.1 -uroot --single-transaction --skip-comments --skip-dump-date --no-tablespaces --default-character-set=utf8mb4 "$db" |
  gzip -9n >"$out/previous.mariadb.sql.gz"

git -C "$repo" log -1 --format='%H %s' "$commit" | cut -c1-120 >"$out/RELEASE"
echo "fixture of $(cat "$out/RELEASE") written to $out"
