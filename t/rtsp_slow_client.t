#!/usr/bin/perl

# A TCP client that stops reading its interleaved media: its backlog is
# bounded and it is dropped after send_timeout, and a client playing next
# to it on the same worker keeps receiving in real time (sndbuf= keeps the
# kernel from holding the whole file for it).  A file that
# cannot be read (permissions) is 403.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep time/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::Media qw/make_media/;

my $t = Sluice->new()->has(qw/streaming rtsp/)->has_program('ffmpeg');

my $user = $> == 0 ? 'user nobody ' . getgrgid((getpwnam('nobody'))[3]) . ';'
    : '';

$t->write_file_expand('sluice.conf', <<"EOF");
worker_processes 1;
error_log logs/error.log info;
$user

events {
    worker_connections 64;
}

streaming {
    send_timeout 2s;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp sndbuf=32k;

        publishing_point /vod {
            type        on_demand;
            path        %%TESTDIR%%/media;
            fast_start  30s;
            fast_start_rate 20;
        }
    }
}
EOF

make_media($t, 'a.ts', 30, 'ts');
$t->write_file('media/locked.ts', $t->read_file('media/a.ts'));
chmod 0000, $t->path('media/locked.ts');
chmod 0755, $t->path('media');

$t->plan(6);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $url = "rtsp://127.0.0.1:$port/vod/a.ts";

sub play {
    my ($c) = @_;
    my $r = $c->request('SETUP', "$url/trackID=0",
        headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
    my ($sid) = ($r && $r->{headers}{session} // '') =~ /^(\w+)/;
    $r = $c->request('PLAY', $url, headers => [['Session', $sid]]);
    return $r && $r->{status};
}

# the slow one: a small receive buffer, and it never reads
my $slow = Sluice::RTSP->new(port => $port);
setsockopt($slow->sock(), Socket::SOL_SOCKET(), Socket::SO_RCVBUF(), 4096);
is(play($slow), 200, 'the slow client plays');

my $fast = Sluice::RTSP->new(port => $port);
is(play($fast), 200, 'another client plays next to it');

# 4 s: the fast one reads; the slow one's backlog fills and send_timeout ends it
$fast->read_frames(4);
my $bytes = $fast->{bytes}{0} // 0;
cmp_ok($bytes, '>', 4 * 1_000_000 / 8, 'the other client got its media meanwhile')
    or diag("$bytes bytes");

ok($t->wait_log(qr/client does not keep up/, 5), 'the slow client is dropped, logged');

# a file the worker may not read
SKIP: {
    skip 'needs root to run workers as nobody', 1 unless $> == 0;
    my $c = Sluice::RTSP->new(port => $port);
    my $r = $c->request('DESCRIBE', "rtsp://127.0.0.1:$port/vod/locked.ts");
    is($r && $r->{status}, 403, 'an unreadable file: 403');
}

my $c = Sluice::RTSP->new(port => $port);
my $r = $c->request('OPTIONS', $url);
is($r && $r->{status}, 200, 'the server goes on');
