#!/usr/bin/perl

# 1000 concurrent connections, each sends OPTIONS and gets 200, within 30 s.

use strict;
use warnings;

BEGIN {
    # the client side needs more than 1000 descriptors: raise the soft limit
    # with the shell's ulimit (as root the hard limit too) and run again
    my $need = 2100;
    chomp(my $lim = `sh -c 'ulimit -n'`);
    if ($lim ne 'unlimited' && $lim < $need && !$ENV{SLUICE_T_NOFILE_RAISED}) {
        $ENV{SLUICE_T_NOFILE_RAISED} = 1;
        exec 'sh', '-c', 'ulimit -n 4096 2>/dev/null'
            . ' || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh',
            $^X, (map { "-I$_" } grep { !ref } @INC), $0, @ARGV;
        die "exec: $!";
    }
}

use Test::More;
use Time::HiRes qw/time/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $N = 1000;

my $t = Sluice->new()->has(qw/streaming rtsp/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
worker_rlimit_nofile 4096;
error_log logs/error.log notice;

events {
    worker_connections 2048;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp backlog=2048;
    }
}
EOF

chomp(my $lim = `sh -c 'ulimit -n'`);
$t->missing("a descriptor limit above 2100 (ulimit -n is $lim)")
    if $lim ne 'unlimited' && $lim < 2100;

$t->plan(4);
$t->run(workers => 2) or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $start = time();
my $deadline = $start + 30;

my @c;
for (1 .. $N) {
    last if time() > $deadline;
    my $c = Sluice::RTSP->new(port => $port, timeout => 5) or last;
    push @c, $c;
}
is(scalar @c, $N, "$N connections open") or diag("error: $@");

my $sent = 0;
for my $c (@c) {
    $sent++ if $c->send_raw($c->build_request('OPTIONS',
        "rtsp://127.0.0.1:$port/", cseq => 1));
}

my ($ok, $bad) = (0, 0);
for my $c (@c) {
    my $left = $deadline - time();
    my $r = $left > 0 ? $c->read_response(timeout => $left) : undef;
    ($r && $r->{status} == 200) ? $ok++ : $bad++;
}
is($ok, $N, "$N OPTIONS answered 200") or diag("$bad failed, $sent sent");

# all still open: a second request on each
$ok = 0;
for my $c (@c) {
    $c->send_raw($c->build_request('OPTIONS', "rtsp://127.0.0.1:$port/",
        cseq => 2));
}
for my $c (@c) {
    my $left = $deadline - time();
    my $r = $left > 0 ? $c->read_response(timeout => $left) : undef;
    $ok++ if $r && $r->{status} == 200 && $r->{headers}{cseq} eq '2';
}
is($ok, $N, "second OPTIONS on all $N connections answered");

cmp_ok(time() - $start, '<', 30, 'within 30 s');

$_->close() for @c;
