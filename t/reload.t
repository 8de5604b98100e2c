#!/usr/bin/perl

# Reload (HUP) with a changed config while a client holds an RTSP connection:
# the held connection keeps being answered by its old worker until it closes,
# new connections see the new config, the old worker then exits.
# Reload with a broken config: the running config keeps serving, the error is
# logged with file:line, no new workers start.
# No connection is refused or fails during reloads.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;

my $t = Sluice->new()->has(qw/streaming access rtsp/);

my $conf = <<'EOF';
worker_processes 1;
error_log logs/error.log info;
worker_shutdown_timeout 60s;

events {
    worker_connections 64;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        %%RULE%%
    }
}
EOF

sub conf {
    my ($rule) = @_;
    (my $c = $conf) =~ s/%%RULE%%/$rule/;
    $t->write_file_expand('sluice.conf', $c);
}

$t->plan(17);

conf('');
$t->run(workers => 1) or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my @old = $t->worker_pids();
my $master = $t->master_pid();

my $held = Sluice::RTSP->new(port => $port);
my $r = $held->options();
is($r && $r->{status}, 200, 'held connection: 200 before reload');

# reload with a deny rule

conf('deny 127.0.0.1;');
my @new = $t->reload();
ok(@new, 'new workers after HUP') or diag($t->errlog());

my %old = map { $_ => 1 } @old;
ok(@new && !grep({ $old{$_} } @new), 'new worker pids differ from the old ones')
    or diag("old @old, new @new");
is($t->master_pid(), $master, 'same master');

my $ok = 0;
for (1 .. 5) {
    $r = $held->options();
    $ok++ if $r && $r->{status} == 200;
    sleep 0.1;
}
is($ok, 5, 'held connection still answered 200 by the old worker');

$r = Sluice::RTSP::rtsp_options(port => $port);
is($r && $r->{status}, 403, 'new connection sees the new config: 403');

ok(Sluice::proc_state($old[0]) !~ /^(?:Z|)$/,
    'old worker alive while the connection is held');

$held->close();
ok($t->wait_pids_gone(10, @old), 'old worker exits after the connection closes');

# broken config: the running config stays

my @workers = $t->worker_pids();
my $off = $t->log_offset();

(my $broken = $conf) =~ s/%%RULE%%/allow all;\n        bogus_directive on;/;
$t->write_file_expand('sluice.conf', $broken);
my $line = 0;
for (split /\n/, $broken) { $line++; last if /bogus_directive/; }

$t->expect_errors(qr/bogus_directive/);
$t->signal('HUP');

my $err = $t->wait_log(qr/unknown directive "bogus_directive"/, 5, $off);
ok($err, 'broken config: error logged');
like($err // '', qr/ in \S*conf\/sluice\.conf:$line\b/,
    'broken config: error has file:line');

sleep 0.5;
is(join(' ', $t->worker_pids()), join(' ', @workers),
    'broken config: no new workers');
is($t->master_pid(), $master, 'broken config: master still running')
    or diag($t->errlog());

$r = Sluice::RTSP::rtsp_options(port => $port);
is($r && $r->{status}, 403, 'broken config: old config keeps serving');

# a good config after the broken one is applied

conf('');
@new = $t->reload();
$r = Sluice::RTSP::rtsp_options(port => $port);
is($r && $r->{status}, 200, 'fixed config applied by the next reload');

# no connection is refused or reset during reloads: a client connects every
# few milliseconds across five reloads

my $loop = Sluice::RTSP::client_loop(port => $port,
    file => $t->path('client-counts'));
sleep 0.2;
my $reloads = 0;
for my $i (1 .. 5) {
    conf("# reload $i");
    $reloads++ if $t->reload();
    sleep 0.1;
}
my $n = $loop->stop();
note("client loop during reloads: " . ($n->{line} // $n->{error}));
is($reloads, 5, 'five reloads');
is(($n->{refused} // -1) + ($n->{failed} // -1) + ($n->{other} // -1), 0,
    'no refused or failed connection during reloads')
    or diag($n->{line} // $n->{error});
cmp_ok($n->{ok} // 0, '>', 20, 'the client kept getting answers')
    or diag($n->{line} // $n->{error});
