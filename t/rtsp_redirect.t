#!/usr/bin/perl

# "redirect" in a publishing point: players are sent elsewhere with 302 and
# a Location built from the captures of the point's regex ($1..$9).

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;

        publishing_point /moved {
            redirect rtsp://127.0.0.1:%%PORT_8554%%/vod/moved.mp3;
        }

        publishing_point ~ ^/old/(\w+)/(.+)$ {
            redirect "rtsp://origin.invalid/$2/${1}x$$";
        }

        publishing_point /vod { }
    }
}
EOF

$t->plan(9);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $c = Sluice::RTSP->new(port => $port);

my $r = $c->request('DESCRIBE', "rtsp://127.0.0.1:$port/moved", cseq => 1);
is($r && $r->{status}, 302, 'plain redirect: 302');
is($r && $r->{headers}{location}, "rtsp://127.0.0.1:$port/vod/moved.mp3",
    'plain redirect: Location');
is($r && $r->{headers}{cseq}, '1', 'plain redirect: CSeq');

$r = $c->request('DESCRIBE', "rtsp://127.0.0.1:$port/old/radio/a%20b.mp3",
    cseq => 2);
is($r && $r->{status}, 302, 'regex redirect: 302');
is($r && $r->{headers}{location}, 'rtsp://origin.invalid/a%20b.mp3/radiox$',
    'regex redirect: captures $2, ${1} and $$ in Location');

# OPTIONS is never redirected: players start with it
$r = $c->request('OPTIONS', "rtsp://127.0.0.1:$port/old/radio/x", cseq => 3);
is($r && $r->{status}, 200, 'OPTIONS is not redirected');

# no redirect outside the points that ask for it
$r = $c->request('DESCRIBE', "rtsp://127.0.0.1:$port/vod/a.mp3", cseq => 4);
isnt($r && $r->{status}, 302, 'other points are not redirected');

# a reference to a capture that is not $1..$9 is a config error
$t->write_file_expand('bad.conf', <<'EOF');
events { }
streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        publishing_point /a { redirect rtsp://x/$x; }
    }
}
EOF
my $res = $t->run_cmd([$t->binary(), '-p', $t->testdir(), '-c',
    $t->path('conf/bad.conf'), '-t']);
is($res->{code}, 1, 'bad capture reference: -t fails');
like($res->{err}, qr/invalid value .* in "redirect" directive.* in \S+bad\.conf:5/,
    'bad capture reference: file:line');
