# The posts unit's check of the running image, sourced by deploy/image-test.sh (which provides start_container,
# stop_container, ok, die, log, now_ms and $base_url, $token, $db, $work, $PG_HOST_PORT, $name, $STOP_TIMEOUT):
# SIGTERM in the middle of a burst of views exits 0 within the stop time-out, and every view acknowledged with a 202
# is in Postgres.
#
# The same container with the flush held back (WRITE_BEHIND_POSTS_FLUSH_INTERVAL=1h): every view acknowledged
# during the burst is still in Redis when SIGTERM comes, so only the final drain can bring it to Postgres.
start_container "$name-stop" -e WRITE_BEHIND_POSTS_FLUSH_INTERVAL=1h
slug=image-test-stop
code=$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$base_url/posts" -H "Authorization: Bearer $token" \
  -H 'content-type: application/json' -d "{\"slug\":\"$slug\",\"title\":\"Stop\",\"body\":\"SIGTERM\",\"authorId\":1}")
[ "$code" = 201 ] || die "POST /posts answered $code"
burst() { # one client: views until the container stops answering
  while [ ! -e "$work/stop" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -XPOST "$base_url/posts/$slug/views" \
      -H "Authorization: Bearer $token" || true)
    echo "$code" >>"$work/burst.$1"
    [ "$code" != 000 ] || break
  done
}
clients=()
for client in 1 2 3 4 5 6 7 8; do burst "$client" & clients+=($!); done
started=$(now_ms)
until [ "$(cat "$work"/burst.* 2>/dev/null | grep -c '^202$')" -ge 400 ]; do
  [ $(($(now_ms) - started)) -lt 60000 ] || { touch "$work/stop"; die "400 views were not acknowledged within 60 s"; }
  sleep 0.05
done
stop_container "$name-stop"
touch "$work/stop"
wait "${clients[@]}" || true
acknowledged=$(cat "$work"/burst.* | grep -c '^202$' || true)
others=$(cat "$work"/burst.* | grep -v '^202$' | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')
in_postgres=$(psql -h "${PG_HOST_PORT%:*}" -p "${PG_HOST_PORT#*:}" -U postgres -d "$db" -qAt \
  -c "SELECT views FROM posts WHERE slug = '$slug'")
drained=$(podman logs "$name-stop" 2>&1 | grep -o 'final flush applied [0-9]* increments' | grep -o '[0-9]*' | tail -1)
log "podman stop during the burst: exit status $exit_code after $stop_s s (stop timeout $STOP_TIMEOUT s); $acknowledged views acknowledged (others: ${others:-none}), the final drain applied ${drained:-nothing}, Postgres holds $in_postgres"
[ "${drained:-0}" -gt 0 ] || die "the final drain applied nothing"
[ "${in_postgres:-0}" -ge "$acknowledged" ] || die "$((acknowledged - ${in_postgres:-0})) acknowledged views are not in Postgres"
podman rm "$name-stop" >/dev/null
ok "SIGTERM during a burst of views: exit 0 in $stop_s s, every acknowledged view in Postgres"
