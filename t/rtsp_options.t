#!/usr/bin/perl

# RTSP OPTIONS, pipelining, bodies, unknown methods and malformed requests.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep/;

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
    }
}
EOF

$t->plan(34);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $url = "rtsp://127.0.0.1:$port/";

# OPTIONS

my $c = Sluice::RTSP->new(port => $port);
my $r = $c->request('OPTIONS', $url, cseq => 1);
ok($r, 'OPTIONS answered') or diag($c->error());
$r //= { headers => {} };
is($r->{version}, 'RTSP/1.0', 'version RTSP/1.0');
is($r->{status}, 200, 'OPTIONS 200');
is($r->{headers}{cseq}, '1', 'CSeq echoed');
like($r->{headers}{server} // '', qr{^Sluice/}, 'Server: Sluice/...');
ok(defined $r->{headers}{date}, 'Date present');

my %public = map { $_ => 1 } split /\s*,\s*/, $r->{headers}{public} // '';
ok($public{OPTIONS}, 'Public lists OPTIONS')
    or diag("Public: " . ($r->{headers}{public} // '(none)'));

# same connection, another CSeq
$r = $c->request('OPTIONS', $url, cseq => 4711);
is($r && $r->{status}, 200, 'second OPTIONS on the same connection');
is($r && $r->{headers}{cseq}, '4711', 'second CSeq echoed');

# OPTIONS * applies to the server
$r = $c->request('OPTIONS', '*', cseq => 5);
is($r && $r->{status}, 200, 'OPTIONS *');

# pipelined: three requests in one write, answered in order
$c->send_raw(join '', map {
    $c->build_request('OPTIONS', $url, cseq => $_) } 10, 11, 12);
my @seq = map {
    my $x = $c->read_response(); $x ? "$x->{status}/$x->{headers}{cseq}" : 'none'
} 1 .. 3;
is("@seq", '200/10 200/11 200/12', 'pipelined requests answered in order');

# a request split across writes
my $req = $c->build_request('OPTIONS', $url, cseq => 20);
$c->send_raw(substr($req, 0, 10));
sleep 0.2;
$c->send_raw(substr($req, 10, 20));
sleep 0.2;
$c->send_raw(substr($req, 30));
$r = $c->read_response();
is($r && "$r->{status}/$r->{headers}{cseq}", '200/20', 'request split in three writes');

# a body is consumed by Content-Length: the next request follows it
$c->send_raw($c->build_request('SET_PARAMETER', $url, cseq => 30,
        headers => [['Content-Type', 'text/parameters']],
        body => "OPTIONS * RTSP/1.0\r\n\r\n")
    . $c->build_request('OPTIONS', $url, cseq => 31));
$r = $c->read_response();
is($r && "$r->{status}/$r->{headers}{cseq}", '200/30',
    'request with a body: 200 (a keep-alive)');
$r = $c->read_response();
is($r && "$r->{status}/$r->{headers}{cseq}", '200/31',
    'request after a body answered');

# header names are case-insensitive
$c->send_raw("OPTIONS $url RTSP/1.0\r\ncseq: 40\r\nUser-Agent: t\r\n\r\n");
$r = $c->read_response();
is($r && "$r->{status}/$r->{headers}{cseq}", '200/40', 'lowercase cseq header');

# each method's answer where there is no media and no session: DESCRIBE
# of a point without content 404, SETUP without Transport 461, PLAY and
# TEARDOWN without a session 454, publishing methods 405 (not a point that
# takes pushes), unknown ones 501

my %want = (DESCRIBE => 404, SETUP => 461, PLAY => 454, TEARDOWN => 454,
    ANNOUNCE => 405, RECORD => 405, FOO => 501);
for my $m (sort keys %want) {
    $r = $c->request($m, "${url}x", cseq => 50);
    is($r && "$r->{status}/$r->{headers}{cseq}", "$want{$m}/50",
        "$m: $want{$m}");
}

$r = $c->request('OPTIONS', $url, cseq => 60);
is($r && $r->{status}, 200, 'connection still usable after 501');
$c->close();

# malformed requests: 400 on a fresh connection each

my %bad = (
    'garbage' => "\x00\x01\x02 hello\r\n\r\n",
    'missing CSeq' => "OPTIONS $url RTSP/1.0\r\nUser-Agent: t\r\n\r\n",
    'bad version' => "OPTIONS $url FOO/1.0\r\nCSeq: 1\r\n\r\n",
    'no URL' => "OPTIONS RTSP/1.0\r\nCSeq: 1\r\n\r\n",
    'header without colon' => "OPTIONS $url RTSP/1.0\r\nCSeq: 1\r\nBroken\r\n\r\n",
    'bad CSeq' => "OPTIONS $url RTSP/1.0\r\nCSeq: abc\r\n\r\n",
    'bad Content-Length' => "SET_PARAMETER $url RTSP/1.0\r\nCSeq: 1\r\n"
        . "Content-Length: 5x\r\n\r\n",
);

for my $name (sort keys %bad) {
    my $b = Sluice::RTSP->new(port => $port);
    $b->send_raw($bad{$name});
    $r = $b->read_response();
    is($r && $r->{status}, 400, "$name: 400")
        or diag($r ? $r->{raw} : $b->error());
    $b->close();
}

# a body the server will not take: 413 (negative, huge, over the cap)

my %big = (
    'negative Content-Length' => "Content-Length: -5\r\n",
    'huge Content-Length' => "Content-Length: 99999999999999999999\r\n",
    'Content-Length over rtsp_max_request' => "Content-Length: 20000\r\n",
);

for my $name (sort keys %big) {
    my $b = Sluice::RTSP->new(port => $port);
    $b->send_raw("SET_PARAMETER $url RTSP/1.0\r\nCSeq: 1\r\n$big{$name}\r\n");
    $r = $b->read_response();
    is($r && $r->{status}, 413, "$name: 413")
        or diag($r ? $r->{raw} : $b->error());
    $b->close();
}

# the server survived all of it

$r = Sluice::RTSP::rtsp_options(port => $port);
is($r && $r->{status}, 200, 'OPTIONS after malformed requests');
