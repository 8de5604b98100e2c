#!/usr/bin/perl

# RTSP sessions on an on-demand point, driven by a raw client: DESCRIBE's
# SDP, SETUP over TCP and UDP, PLAY with RTP-Info and a Range, PAUSE,
# keep-alives, TEARDOWN, the status of each failure (RFC 2326 §7.1.1), the
# transports refused for safety, paths that would leave the folder, and a
# vanished client whose session, ports and file are freed.

use strict;
use warnings;

use Test::More;
use IO::Socket::IP;
use Time::HiRes qw/sleep time/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::Media qw/make_media/;

my $t = Sluice->new()->has(qw/streaming rtsp/)->has_program('ffmpeg');

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 1;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    session_timeout 2s;

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;

        publishing_point /vod {
            type  on_demand;
            path  %%TESTDIR%%/media;
        }

        publishing_point /follow {
            type  on_demand;
            path  %%TESTDIR%%/media;
            follow_symlinks on;
        }

        publishing_point /nopath { }
    }
}
EOF

make_media($t, 'a.mp3', 8, 'mp3');
$t->write_file('media/junk.mp3', "this is not audio\n" x 100);
$t->write_file('secret/secret.mp3', $t->read_file('media/a.mp3'));
mkdir $t->path('media/dir.mp3');
mkdir $t->path('media/sub');
symlink($t->path('secret/secret.mp3'), $t->path('media/out.mp3'));
symlink('../a.mp3', $t->path('media/sub/in.mp3'));
symlink($t->path('media/a.mp3'), $t->path('media/abs.mp3'));

$t->plan(55);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8554);
my $base = "rtsp://127.0.0.1:$port";
my $url = "$base/vod/a.mp3";

my $c = Sluice::RTSP->new(port => $port);

# DESCRIBE

my $r = $c->request('DESCRIBE', $url, headers => [['Accept', 'application/sdp']]);
is($r && $r->{status}, 200, 'DESCRIBE 200');
is($r && $r->{headers}{'content-type'}, 'application/sdp', 'Content-Type SDP');
is($r && $r->{headers}{'content-base'}, "$url/", 'Content-Base');
my $sdp = $r ? $r->{body} : '';
like($sdp, qr/^v=0\r$/m, 'SDP v=0');
like($sdp, qr/^m=audio 0 RTP\/AVP 14\r$/m, 'SDP m=audio, payload type 14');
like($sdp, qr/^a=rtpmap:14 MPA\/90000\r$/m, 'SDP rtpmap MPA/90000');
like($sdp, qr/^a=control:trackID=0\r$/m, 'SDP control per track');
like($sdp, qr/^a=range:npt=0-8\.0\d\d\r$/m, 'SDP range: the duration');

# what cannot be described

my %status = (
    "$base/vod/missing.mp3" => 404,
    "$base/vod/dir.mp3" => 404,
    "$base/vod/junk.mp3" => 415,
    "$base/nopath/a.mp3" => 404,
    "$base/vod/../secret/secret.mp3" => 403,
    "$base/vod/%2e%2e/secret/secret.mp3" => 403,
    "$base/vod/sub/../../secret/secret.mp3" => 403,
    "$base/vod/out.mp3" => 403,
    "$base/vod//etc/passwd" => 404,
    "$base/vod/sub/in.mp3" => 200,
    "$base/vod/abs.mp3" => 403,
    "$base/follow/abs.mp3" => 200,
    "$base/follow/out.mp3" => 200,
);
for my $u (sort keys %status) {
    my $x = $c->request('DESCRIBE', $u);
    is($x && $x->{status}, $status{$u}, "DESCRIBE $u: $status{$u}");
}

# SETUP refusals

$r = $c->request('SETUP', "$url/trackID=0");
is($r && $r->{status}, 461, 'SETUP without Transport: 461');
$r = $c->request('SETUP', "$url/trackID=0",
    headers => [['Transport', 'RTP/AVP;unicast;client_port=80-81']]);
is($r && $r->{status}, 461, 'SETUP to a client_port below 1024: 461');
$r = $c->request('SETUP', "$url/trackID=0",
    headers => [['Transport', 'RTP/AVP;unicast;destination=192.0.2.1;'
        . 'client_port=5000-5001']]);
is($r && $r->{status}, 403, 'SETUP with a third-party destination: 403');
$r = $c->request('SETUP', "$url/trackID=0",
    headers => [['Transport', 'RTP/SAVP;unicast;client_port=5000-5001']]);
is($r && $r->{status}, 461, 'SETUP of an unknown profile: 461');
$r = $c->request('SETUP', "$url/trackID=5",
    headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
is($r && $r->{status}, 404, 'SETUP of a track that does not exist: 404');
like($t->errlog(), qr/refused RTP to "192\.0\.2\.1", not the client/,
    'the refused destination is logged');

# a session over TCP

$r = $c->request('PLAY', $url, headers => [['Session', '0123456789abcdef']]);
is($r && $r->{status}, 454, 'PLAY of an unknown session: 454');

$r = $c->request('SETUP', "$url/trackID=0",
    headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
is($r && $r->{status}, 200, 'SETUP over TCP: 200');
like($r && $r->{headers}{transport} // '',
    qr/^RTP\/AVP\/TCP;unicast;interleaved=0-1/, 'SETUP: the transport');
my ($sid, $tmo) = ($r && $r->{headers}{session} // '') =~ /^(\w+);timeout=(\d+)$/;
ok($sid && $tmo == 2, 'SETUP: Session id;timeout=2');

$r = $c->request('PLAY', $url, headers => [['Session', $sid],
    ['Range', 'npt=999-']]);
is($r && $r->{status}, 457, 'PLAY past the end: 457');

$r = $c->request('PLAY', $url, headers => [['Session', $sid],
    ['Range', 'npt=2-']]);
is($r && $r->{status}, 200, 'PLAY: 200');
like($r && $r->{headers}{'rtp-info'} // '',
    qr/^url=\Q$url\E\/trackID=0;seq=\d+;rtptime=\d+$/, 'PLAY: RTP-Info');
my ($from) = ($r && $r->{headers}{range} // '') =~ /^npt=(\d+\.\d{3})-8\.\d{3}$/;
ok(defined $from && $from <= 2 && $from > 1.9,
    'PLAY: Range from the frame at or before the seek point')
    or diag($r && $r->{headers}{range});

my $f = $c->read_frames(1);
ok(($f->{0} // 0) > 10, 'RTP frames arrive on channel 0')
    or diag(explain $f);
my ($sr) = @{$c->{rtcp} // []};
ok($sr && length($sr) >= 28 && ord(substr($sr, 1, 1)) == 200,
    'an RTCP sender report arrives on channel 1');

$r = $c->request('PAUSE', $url, headers => [['Session', $sid]]);
is($r && $r->{status}, 200, 'PAUSE: 200');
my $before = $c->{frames}{0};
$c->read_frames(0.5);
ok(($c->{frames}{0} // 0) - $before <= 2, 'PAUSE: no more frames')
    or diag("frames $before -> $c->{frames}{0}");

$r = $c->request('GET_PARAMETER', $url, headers => [['Session', $sid]]);
is($r && $r->{status}, 200, 'GET_PARAMETER on the session: 200');
like($r && $r->{headers}{session} // '', qr/^\Q$sid\E;timeout=2$/,
    'GET_PARAMETER: the Session header');

$r = $c->request('PLAY', $url, headers => [['Session', $sid]]);
is($r && $r->{status}, 200, 'PLAY resumes');
$before = $c->{frames}{0};
$c->read_frames(0.5);
ok(($c->{frames}{0} // 0) > $before, 'frames flow again');

$r = $c->request('SETUP', "$url/trackID=0", headers => [['Session', $sid],
    ['Transport', 'RTP/AVP/TCP;unicast;interleaved=2-3']]);
is($r && $r->{status}, 455, 'SETUP while playing: 455');

$r = $c->request('TEARDOWN', $url, headers => [['Session', $sid]]);
is($r && $r->{status}, 200, 'TEARDOWN: 200');
$r = $c->request('PLAY', $url, headers => [['Session', $sid]]);
is($r && $r->{status}, 454, 'PLAY after TEARDOWN: 454');

# sessions per connection are bounded: each holds a file and ports
{
    my $m = Sluice::RTSP->new(port => $port);
    my @st;
    for my $i (1 .. 9) {
        my $x = $m->request('SETUP', "$url/trackID=0",
            headers => [['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
        push @st, $x && $x->{status};
    }
    is("@st", '200 200 200 200 200 200 200 200 453',
        'the ninth session on one connection: 453');
    $m->close();
}

# a UDP client that vanishes: its session, ports and file are freed

my ($w) = $t->worker_pids();
sub fds { my @f = glob("/proc/$w/fd/*"); return scalar @f }
my $idle = fds();

my $u = IO::Socket::IP->new(LocalHost => '127.0.0.1', LocalPort => 0,
    Proto => 'udp') or die;
my $up = $u->sockport();
my $v = Sluice::RTSP->new(port => $port);
$r = $v->request('SETUP', "$url/trackID=0",
    headers => [['Transport', "RTP/AVP;unicast;client_port=$up-" . ($up + 1)]]);
is($r && $r->{status}, 200, 'SETUP over UDP: 200');
like($r && $r->{headers}{transport} // '',
    qr/client_port=$up-\d+;server_port=\d+-\d+/, 'UDP: server ports given');
($sid) = ($r && $r->{headers}{session} // '') =~ /^(\w+)/;
$r = $v->request('PLAY', $url, headers => [['Session', $sid]]);
is($r && $r->{status}, 200, 'PLAY over UDP');
my $got = '';
$u->recv($got, 2000) if IO::Select->new($u)->can_read(2);
is(length($got) > 12 && ord($got) >> 6, 2, 'RTP datagrams arrive');
cmp_ok(fds(), '>', $idle, 'the session holds descriptors');

# the control connection stays up but nothing more comes: session_timeout
sleep 3;
is(fds(), $idle + 1, 'after session_timeout only the control connection is left')
    or diag(`ls -l /proc/$w/fd`);
like($t->errlog(), qr/session \Q$sid\E timed out/, 'the timeout is logged');
$v->close();
sleep 0.3;
is(fds(), $idle, 'and when it closes, nothing is left');
