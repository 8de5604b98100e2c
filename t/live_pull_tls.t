#!/usr/bin/perl

# Pulled sources over TLS: relay points pull the origin point of the same
# server over https:// and rtsps://, verifying the origin's certificate
# against source_ssl_trusted_certificate (a CA made by the test); players
# of the relays get what ffmpeg decodes.  A relay of an origin whose
# certificate another CA signed refuses it, logs why and never publishes;
# the same for a name the certificate does not carry.  A trusted file
# that cannot be read is a configuration error with FILE:LINE.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/time sleep/;

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_listen http_request/;
use Sluice::TLS qw/make_ca make_cert/;

my $t = Sluice->new()->has(qw/streaming ssl http rtsp/)
    ->has_program(qw/ffmpeg ffprobe openssl/);

make_ca($t);
make_ca($t, 'otherca');
make_cert($t, 'server', 'localhost');

$t->write_file_expand('sluice.conf', <<'EOF2');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    allow_push 127.0.0.1;
    source_ssl_trusted_certificate %%TESTDIR%%/ca.pem;

    server {
        listen 127.0.0.1:%%PORT_8000%% http;
        listen 127.0.0.1:%%PORT_8443%% http ssl;
        listen 127.0.0.1:%%PORT_8322%% rtsp ssl;
        listen 127.0.0.2:%%PORT_8445%% http ssl;

        ssl_certificate %%TESTDIR%%/server.pem;
        ssl_certificate_key %%TESTDIR%%/server.key;

        publishing_point /origin {
            type    broadcast;
            source  push;
        }

        publishing_point /hrelay {
            type    broadcast;
            source  https://localhost:%%PORT_8443%%/origin;
        }

        publishing_point /rrelay {
            type    broadcast;
            source  rtsps://127.0.0.1:%%PORT_8322%%/origin;
        }
    }

    server {
        listen 127.0.0.1:%%PORT_8001%% http;
        listen 127.0.0.1:%%PORT_8444%% http ssl;

        # a certificate the trusted CA did not sign
        ssl_certificate %%TESTDIR%%/stranger.pem;
        ssl_certificate_key %%TESTDIR%%/stranger.key;

        publishing_point /origin2 {
            type    broadcast;
            source  push;
        }

        publishing_point /untrusted {
            type    broadcast;
            source  https://localhost:%%PORT_8444%%/origin2;
        }

        # the first server's certificate names localhost and 127.0.0.1
        publishing_point /wrongname {
            type    broadcast;
            source  https://127.0.0.2:%%PORT_8445%%/origin;
        }
    }
}
EOF2

make_cert($t, 'stranger', 'localhost', 'otherca');

$t->plan(8);
$t->run() or BAIL_OUT('cannot start sluice');

my $hp = $t->port(8000);
my $hp2 = $t->port(8001);

my @enc = ('ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
    '-content_type', 'audio/mpeg');
my $enc = $t->start_cmd([@enc, "icecast://source:x\@127.0.0.1:$hp/origin"]);
my $enc2 = $t->start_cmd([@enc, "icecast://source:x\@127.0.0.1:$hp2/origin2"]);

ok($t->wait_log(qr/pull connected .*receiving mp3.*publishing point: \/hrelay$/,
    15), 'the relay pulls the origin over HTTPS');
ok($t->wait_log(qr/TLS handshake: TLSv1\.3 .*upstream: rtsps:\/\//, 15),
   'the RTSPS relay makes its handshake');

# let the relays' rings fill
sleep 2;

for my $relay (qw/hrelay rrelay/) {
    my $p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i',
        "http://127.0.0.1:$hp/$relay", '-t', '2', '-f', 'null', '-'],
        timeout => 20);
    ok($p->{code} == 0 && $p->{err} !~ /\S/,
       "ffmpeg decodes the $relay stream") or diag($p->{err});
}

my $refused = qr/TLS handshake failed: the peer's certificate is refused/;
my $why = qr/\(unable to get local issuer certificate\)/;
ok($t->wait_log(qr/$refused $why.*publishing point: \/untrusted$/, 10),
   'an origin signed by another CA is refused, and why is logged');
ok($t->wait_log(qr/$refused \(IP address mismatch\).*point: \/wrongname$/,
                10),
   'an origin whose certificate does not carry its name is refused');

my $r = http_request($hp2, "HEAD /untrusted HTTP/1.1\r\nHost: x\r\n\r\n", 2);
is($r->{status}, 503, 'the untrusted relay never publishes');

# a trusted file that cannot be read
$t->write_file('bad.conf', <<'EOF2');
events { }
streaming {
    source_ssl_trusted_certificate missing.pem;
    server {
        publishing_point /r {
            type    broadcast;
            source  https://localhost/origin;
        }
    }
}
EOF2
my $e = $t->sluice('-c', $t->path('bad.conf'), '-t');
my $cannot = qr/cannot load trusted certificates ".*missing\.pem"/;
ok($e->{code} == 1 && $e->{err} =~ /$cannot.* in \S+bad\.conf:3$/m,
   'an unreadable trusted file: error with FILE:LINE') or diag($e->{err});

$t->stop_cmd($enc);
$t->stop_cmd($enc2);
$t->done_testing();
