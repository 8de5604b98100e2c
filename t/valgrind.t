#!/usr/bin/perl

# The server under valgrind (the build without sanitizers that
# scripts/test makes first): players set up, play, seek and tear down over
# UDP and TCP, a session times out, bad requests are refused; valgrind
# must report no invalid access, no uninitialised value and no lost block.
# Valgrind has no openat2(), so the on-demand source takes its fallback
# path walk here (no symbolic link at all).

use strict;
use warnings;

my $plain;

BEGIN {
    $plain = $ENV{TEST_SLUICE_PLAIN_BINARY};
    if (defined $plain) {
        $ENV{TEST_SLUICE_BINARY} = $ENV{TEST_SLUICE_VALGRIND_WRAPPER}
            = "/tmp/sluice-valgrind-$$";
    }
}

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::Media qw/make_media rtsp_span/;

plan(skip_all => 'no plain build (scripts/test makes one)') unless $plain;

my $t = Sluice->new();
my $vgdir = $t->path('valgrind');
mkdir $vgdir;

# the binary the harness runs: valgrind around the plain build
open my $fh, '>', "/tmp/sluice-valgrind-$$" or die;
print $fh "#!/bin/sh\nexec valgrind -q --trace-children=yes "
    . "--leak-check=full --show-leak-kinds=definite "
    . "--errors-for-leak-kinds=definite "
    . "--log-file=$vgdir/vg.%p $plain \"\$@\"\n";
close $fh;
chmod 0755, "/tmp/sluice-valgrind-$$";
END { unlink "/tmp/sluice-valgrind-$$" if $plain }

$t->has(qw/streaming rtsp/)->has_program(qw/valgrind ffmpeg ffprobe/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 64;
}

streaming {
    session_timeout 2s;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;

        publishing_point /vod {
            type        on_demand;
            path        %%TESTDIR%%/media;
            fast_start  60s;
            fast_start_rate 20;
        }
        publishing_point /d { deny all; }
    }
}
EOF

make_media($t, 'a.mp3', 4, 'mp3');
make_media($t, 'a.mp4', 4, 'mp4');
make_media($t, 'a.ts', 4, 'ts');

$t->plan(8);
$t->run(timeout => 60) or BAIL_OUT('cannot start sluice under valgrind');

my $port = $t->port(8554);

for my $f (qw/a.mp3 a.mp4 a.ts/) {
    for my $tr (qw/udp tcp/) {
        my $s = rtsp_span($t, "rtsp://127.0.0.1:$port/vod/$f", $tr,
            timeout => 120);
        ok(scalar keys %{$s->{span}}, "$f over $tr under valgrind")
            or diag($s->{err});
    }
}

# refusals, a seek, a session left to time out
my $c = Sluice::RTSP->new(port => $port, timeout => 20);
my $r = $c->request('DESCRIBE', "rtsp://127.0.0.1:$port/d/x");
$c->request('DESCRIBE', "rtsp://127.0.0.1:$port/vod/../x.mp3");
$c->request('DESCRIBE', "rtsp://127.0.0.1:$port/vod/none.mp3");
$c->send_raw("GARBAGE\r\n\r\n");
$c = Sluice::RTSP->new(port => $port, timeout => 20);
$r = $c->request('SETUP', "rtsp://127.0.0.1:$port/vod/a.mp4/trackID=0",
    headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
my ($sid) = ($r && $r->{headers}{session} // '') =~ /^(\w+)/;
$r = $c->request('PLAY', "rtsp://127.0.0.1:$port/vod/a.mp4",
    headers => [['Session', $sid // ''], ['Range', 'npt=2-']]);
is($r && $r->{status}, 200, 'a seek under valgrind');
$c->read_frames(1);
$c->close();

# a session whose client goes quiet: session_timeout ends it
$c = Sluice::RTSP->new(port => $port, timeout => 20);
$c->request('SETUP', "rtsp://127.0.0.1:$port/vod/a.mp3/trackID=0",
    headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
sleep 4;
$c->close();

$t->stop();

my @reports;
for my $f (glob("$vgdir/vg.*")) {
    my $text = $t->read_file($f) // '';
    $text =~ s/^--\d+-- (WARNING: unhandled amd64-linux syscall: 437|You may be able|Read the file README_MISSING|Nevertheless we consider|it at http).*\n//mg;
    push @reports, "$f:\n$text" if $text =~ /\S/;
}
is(scalar @reports, 0, 'valgrind reports nothing') or diag(join "\n", @reports);
