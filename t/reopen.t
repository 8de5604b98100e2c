#!/usr/bin/perl

# USR1 and "-s reopen" reopen the log files.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming rtsp/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
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

$t->plan(8);
$t->run(workers => 2) or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $log = $t->path('logs/error.log');

# a connection line for a client's local port shows which file gets lines
sub connect_and_find {
    my ($file, $timeout) = @_;
    my @found;
    # several connections so that every worker is likely to log one
    for (1 .. 8) {
        my $c = Sluice::RTSP->new(port => $port) or next;
        my $r = $c->options();
        my $lport = $c->local_port();
        $c->close();
        push @found, $t->wait_log(qr/client 127\.0\.0\.1:$lport connected/,
            $timeout, 0, $file) ? 1 : 0;
    }
    return @found;
}

sub signal_reopen {
    my ($how) = @_;
    rename $log, "$log.$how" or die "rename: $!";
    if ($how eq 'usr1') {
        $t->signal('USR1');
    } else {
        my $r = $t->sluice('-c', $t->conf_path(), '-s', 'reopen');
        is($r->{code}, 0, '-s reopen exits 0') or diag($r->{err});
    }
    for (1 .. 100) {
        last if -e $log;
        select undef, undef, undef, 0.05;
    }
}

signal_reopen('usr1');
ok(-e $log, 'USR1: new error.log created');

# give every worker time to reopen, then check that new lines go there
select undef, undef, undef, 0.5;
my @found = connect_and_find('logs/error.log', 2);
is(scalar(grep { $_ } @found), scalar @found, 'USR1: new lines in the new file');
@found = connect_and_find('logs/error.log.usr1', 0);
is(scalar(grep { $_ } @found), 0, 'USR1: no new lines in the renamed file');

signal_reopen('cli');
ok(-e $log, '-s reopen: new error.log created');
select undef, undef, undef, 0.5;
@found = connect_and_find('logs/error.log', 2);
is(scalar(grep { $_ } @found), scalar @found, '-s reopen: new lines in the new file');
@found = connect_and_find('logs/error.log.cli', 0);
is(scalar(grep { $_ } @found), 0, '-s reopen: no new lines in the renamed file');

my $r = Sluice::RTSP::rtsp_options(port => $port);
is($r && $r->{status}, 200, 'still serving');
