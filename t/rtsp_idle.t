#!/usr/bin/perl

# rtsp_idle_timeout: a control connection with no complete request within
# the timeout is closed; a client that trickles bytes without finishing a
# request is closed all the same; one that keeps sending requests stays.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep time/;

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
    rtsp_idle_timeout 1s;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
    }
}
EOF

$t->plan(6);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $url = "rtsp://127.0.0.1:$port/";

# closed: the server ends the connection; the read sees end of file
sub closed_within {
    my ($c, $seconds) = @_;
    my $r = $c->read_response(timeout => $seconds);
    return !$r && ($c->error() // '') =~ /closed|read/;
}

my $idle = Sluice::RTSP->new(port => $port);
my $start = time();
ok(closed_within($idle, 4), 'an idle connection is closed');
cmp_ok(time() - $start, '>=', 0.9, '... not before the timeout');

my $slow = Sluice::RTSP->new(port => $port);
my $req = "OPTIONS $url RTSP/1.0\r\nCSeq: 1\r\n";
$start = time();
my $sent = 0;
for my $byte (split //, $req) {
    last unless $slow->send_raw($byte);
    $sent++;
    sleep 0.1;
    last if time() - $start > 3;
}
ok($sent < length $req, 'a trickle of bytes does not keep a connection')
    or diag("sent $sent bytes of " . length $req);
ok(closed_within($slow, 2), '... it is closed');

my $busy = Sluice::RTSP->new(port => $port);
my $ok = 0;
for my $n (1 .. 6) {
    my $r = $busy->request('OPTIONS', $url, cseq => $n);
    $ok++ if $r && $r->{status} == 200;
    sleep 0.4;
}
is($ok, 6, 'requests every 0.4 s for 2.4 s: the connection stays');

$t->wait_log(qr/client timed out/, 2);
like($t->errlog(), qr/\[info\].*client timed out/, 'the timeout is logged');
