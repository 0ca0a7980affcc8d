# Shared set-up of the proxy benchmarks (sourced by callgrind-proxy.sh and cpu-per-request.sh):
# the same upstreams, request body and nginx proxy configuration as ../shared/bench/compare.py.

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# write_upstream_conf DIR PORT1 PORT2: one nginx process answering {"ok":true} on both ports ($DIR/up.conf).
write_upstream_conf() {
    cat > "$1/up.conf" <<NGX
worker_processes 1; daemon off; pid $1/up.pid; error_log $1/up.err warn;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $1;
server { listen 127.0.0.1:$2; keepalive_requests 1000000; location / { client_body_buffer_size 64k; default_type application/json; return 200 '{"ok":true}'; } }
server { listen 127.0.0.1:$3; keepalive_requests 1000000; location / { client_body_buffer_size 64k; default_type application/json; return 200 '{"ok":true}'; } }
}
NGX
}

# write_post_lua DIR: wrk's script posting compare.py's JSON body ($DIR/post.lua).
write_post_lua() {
    cat > "$1/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"order":7,"user":"alice","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"note":"benchmark payload","pad":"xxxxxxxxxxxxxxxx"}'
wrk.headers["Content-Type"] = "application/json"
LUA
}

# write_nginx_proxy_conf DIR PORT UP1 UP2: nginx as a 1-worker keep-alive round-robin proxy, no
# master process ($DIR/proxy.conf).
write_nginx_proxy_conf() {
    cat > "$1/proxy.conf" <<NGX
master_process off; worker_processes 1; daemon off; pid $1/np.pid; error_log $1/np.err warn;
events { worker_connections 8192; }
http { access_log off; client_body_temp_path $1;
upstream b { server 127.0.0.1:$3; server 127.0.0.1:$4; keepalive 256; }
server { listen 127.0.0.1:$2; keepalive_requests 1000000; location / { proxy_pass http://b; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
NGX
}

# write_switchyard_yaml DIR PORT ADMIN UP1 UP2: Switchyard, 1 worker, round robin over the two
# upstreams, access log off, as compare.py configures it ($DIR/sy.yaml).
write_switchyard_yaml() {
    cat > "$1/sy.yaml" <<YAML
listen: "127.0.0.1:$2"
workers: 1
admin:
  listen: "127.0.0.1:$3"
log:
  access: "off"
services:
  - name: bench
    routes: ["/"]
    balancer: round_robin
    supplier: cooldown
    instances: ["http://127.0.0.1:$4", "http://127.0.0.1:$5"]
YAML
}
