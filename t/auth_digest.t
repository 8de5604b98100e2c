#!/usr/bin/perl

# Digest as real clients answer it.  curl takes the first challenge,
# SHA-256 (it ignores the second Digest one), over RTSP ("OPTIONS *" under
# a server's auth: curl's command line sends no other RTSP method) and
# HTTP (a broadcast point fed by a looping playlist), logged as "digest
# SHA-256".  live555 (VLC, openRTSP) answers the last one, MD5, without
# qop (RFC 2069) and signs every request with its base URL, our
# Content-Base, even the SETUP of a track: checked with the raw client,
# and with VLC and openRTSP where they have live555.  An expired nonce
# gets stale=true, right after the nonce where live555 looks for it, and
# only with a right response; ffmpeg, GStreamer and live555 answer it
# with the fresh nonce on their keep-alives (session_timeout 8s makes
# them send some within auth_nonce_timeout 2s) and play to the end.

use strict;
use warnings;

use Test::More;
use Digest::MD5 qw/md5_hex/;
use Digest::SHA qw/sha256_hex/;
use Time::HiRes qw/time sleep/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::Media qw/make_media file_duration rtsp_span vlc_decode/;

my $t = Sluice->new()->has(qw/streaming auth rtsp http/)
    ->has_program(qw/ffmpeg ffprobe curl gst-launch-1.0/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    auth_users %%TESTDIR%%/users;
    auth_max_failures 0;            # wrong passwords here lock nobody out

    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        listen 127.0.0.1:%%PORT_8000%% http;

        auth digest;                # OPTIONS * too

        publishing_point /vod {
            type on_demand;
            path %%TESTDIR%%/media;
        }

        publishing_point /radio {
            type broadcast;
            source playlist radio.playlist;
        }
    }

    server {
        listen 127.0.0.1:%%PORT_8555%% rtsp;
        session_timeout 8s;

        auth digest;
        auth_nonce_timeout 2s;

        publishing_point /vod {
            type on_demand;
            path %%TESTDIR%%/media;
        }
    }
}
EOF

open my $fh, '|-', 'scripts/sluice-passwd', '--stdin', $t->path('users'),
    'alice' or die "sluice-passwd: $!";
print $fh "secret\n";
close $fh or die 'sluice-passwd failed';

make_media($t, 'a.mp3', 4, 'mp3');
make_media($t, 'long.mp3', 12, 'mp3');
my $dur = file_duration($t, $t->path('media/long.mp3'));

$t->write_file('radio.playlist', "loop;\nmedia/a.mp3;\n");

$t->plan(43);
$t->run() or BAIL_OUT('cannot start sluice');

my $rp = $t->port(8554);
my $hp = $t->port(8000);
my $sp = $t->port(8555);

# the Digest challenges of a response, in order
sub challenges {
    my ($r) = @_;
    return map { $_->[1] } grep {
        lc $_->[0] eq 'www-authenticate' && $_->[1] =~ /^Digest /
    } @{$r->{header_list} // []};
}

sub nonce_of {
    my ($r, $alg) = @_;
    for my $ch (challenges($r)) {
        return $1 if $ch =~ /nonce="([^"]+)".*algorithm=\Q$alg\E$/;
    }
    return undef;
}

# the Authorization live555 sends: MD5, no qop (RFC 2069)
sub rfc2069 {
    my ($method, $uri, $nonce, $password) = @_;
    my $ha1 = md5_hex("alice:Sluice:$password");
    my $resp = md5_hex("$ha1:$nonce:" . md5_hex("$method:$uri"));
    return ['Authorization', qq{Digest username="alice", realm="Sluice", }
        . qq{nonce="$nonce", uri="$uri", response="$resp"}];
}

# RFC 7616 with SHA-256 and qop=auth
sub sha256_auth {
    my ($method, $uri, $nonce, $nc, $password) = @_;
    my $cnonce = 'f00dcafe';
    my $ha1 = sha256_hex("alice:Sluice:$password");
    my $ha2 = sha256_hex("$method:$uri");
    my $resp = sha256_hex("$ha1:$nonce:$nc:$cnonce:auth:$ha2");
    return ['Authorization', qq{Digest username="alice", realm="Sluice", }
        . qq{nonce="$nonce", uri="$uri", response="$resp", }
        . qq{algorithm=SHA-256, qop=auth, nc=$nc, cnonce="$cnonce"}];
}

# The log after OFF shows a keep-alive refused as stale and the next
# authentication on that connection granted for the same method within a
# second: the client answered stale=true at once with the fresh nonce
# (its next periodic keep-alive would come seconds later).  Returns that
# method, or undef.
sub stale_recovered {
    my ($off, $alg) = @_;
    my $log = substr($t->errlog(), $off);
    my $stale = qr/^\S+ (\d+):(\d+):(\d+) \[info\] (\d+#\d+: \*\d+) /m
        . qr/authentication: user "alice", method digest \Q$alg\E, /
        . qr/stale nonce .* request: "(GET_PARAMETER|OPTIONS) /;
    $log =~ $stale or return undef;
    my ($when, $conn, $method) = ($1 * 3600 + $2 * 60 + $3, $4, $5);
    my $after = substr($log, $+[0]);
    $after =~ /^\S+ (\d+):(\d+):(\d+) \[info\] \Q$conn\E authentication: (.*)$/m
        or return undef;
    my ($next, $late) = ($4, ($1 * 3600 + $2 * 60 + $3 - $when) % 86400);
    return $late <= 1 && $next =~ /^user "alice", method digest \Q$alg\E, granted .* request: "\Q$method\E /
        ? $method : undef;
}


sub timed_out {
    my ($off) = @_;
    return substr($t->errlog(), $off) =~ /session \w+ timed out/;
}

# a nonce of the short-lived server, to be answered once it has expired
my $sc = Sluice::RTSP->new(port => $sp) or die $@;
my $surl = "rtsp://127.0.0.1:$sp/vod/a.mp3";
my $r = $sc->request('DESCRIBE', $surl);
my $old = nonce_of($r, 'SHA-256');
my $old_at = time();
ok($r->{status} == 401 && defined $old, 'a nonce from the 2 s server');

###############################################################################
# curl: SHA-256 over RTSP and HTTP

my $off = $t->log_offset();
my $cu = $t->run_cmd(['curl', '-sv', '-o', '/dev/null',
    '-w', '%{response_code}', '--max-time', '5', '--digest',
    '-u', 'alice:secret', "rtsp://127.0.0.1:$rp/"], timeout => 10);
is($cu->{out}, '200', 'curl --digest over RTSP: 200') or diag($cu->{err});
like($cu->{err}, qr/^> Authorization: Digest username="alice", realm="Sluice", .* uri="\*", .* response="[0-9a-f]{64}", algorithm=SHA-256\r?$/m,
    'curl answers the SHA-256 challenge');
ok($t->wait_log(qr/user "alice", method digest SHA-256, granted .* request: "OPTIONS \*"/,
                5, $off), 'the SHA-256 login is logged');

$off = $t->log_offset();
$cu = $t->run_cmd(['curl', '-s', '-o', '/dev/null',
    '-w', '%{response_code}', '--max-time', '5', '--digest',
    '-u', 'alice:wrong', "rtsp://127.0.0.1:$rp/"], timeout => 10);
is($cu->{out}, '401', 'curl with a wrong password: 401');
ok($t->wait_log(qr/user "alice", method digest SHA-256, denied: wrong response .* request: "OPTIONS \*"/,
                5, $off), 'the wrong SHA-256 response is logged');

# HTTP: the playlist's stream, a few seconds of it
my $mp3 = $t->path('curl.mp3');
$off = $t->log_offset();
$cu = $t->run_cmd(['curl', '-sv', '-o', $mp3, '-w', '%{response_code}',
    '--max-time', '2', '--digest', '-u', 'alice:secret',
    "http://127.0.0.1:$hp/radio"], timeout => 10);
is($cu->{out}, '200', 'curl --digest over HTTP: 200') or diag($cu->{err});
like($cu->{err}, qr/^> Authorization: Digest username="alice", .* uri="\/radio", .* algorithm=SHA-256\r?$/m,
    'curl answers the SHA-256 challenge over HTTP');
ok($t->wait_log(qr/user "alice", method digest SHA-256, granted .* server: 127\.0\.0\.1:$hp/,
                5, $off), 'the HTTP login is logged with SHA-256');
my $p = $t->run_cmd(['ffprobe', '-v', 'error', '-count_frames',
    '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'csv=p=0',
    $mp3]);
my ($codec, $frames) = split /,/, $p->{out} =~ s/\s+//gr;
ok(($codec // '') eq 'mp3' && ($frames // 0) >= 20,
   'the body curl got decodes: MP3 frames') or diag("$p->{out} $p->{err}");

$cu = $t->run_cmd(['curl', '-s', '-o', '/dev/null',
    '-w', '%{response_code}', '--max-time', '5', '--digest',
    '-u', 'alice:wrong', "http://127.0.0.1:$hp/radio"], timeout => 10);
is($cu->{out}, '401', 'curl over HTTP with a wrong password: 401');

###############################################################################
# live555's Digest, with the raw client

my $url = "rtsp://127.0.0.1:$rp/vod/a.mp3";
my $c = Sluice::RTSP->new(port => $rp) or die $@;
$r = $c->request('DESCRIBE', $url);
my $nonce = nonce_of($r, 'MD5');
ok($r->{status} == 401 && defined $nonce, 'DESCRIBE: 401, an MD5 nonce');

$off = $t->log_offset();
$r = $c->request('DESCRIBE', $url,
                 headers => [rfc2069('DESCRIBE', $url, $nonce, 'secret')]);
my $base = $r->{headers}{'content-base'} // '';
ok($r->{status} == 200 && $base eq "$url/"
   && $r->{body} =~ /^a=control:trackID=0\r?$/m,
   'DESCRIBE without qop: 200, the SDP and Content-Base')
    or diag($r->{raw});
ok($t->wait_log(qr/user "alice", method digest MD5, granted .* request: "DESCRIBE /,
                5, $off), 'it is logged');

# another presentation's base does not do for a track of this one
$off = $t->log_offset();
$r = $c->request('SETUP', "rtsp://127.0.0.1:$rp/vod/long.mp3/trackID=0",
    headers => [rfc2069('SETUP', $base, $nonce, 'secret'),
                ['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
is($r->{status}, 401, 'a SETUP signed with another base URL: 401');
ok($t->wait_log(qr/method digest MD5, denied: uri differs from the request's/,
                5, $off), 'the uri is logged as wrong');

$r = $c->request('SETUP', "${base}trackID=0",
    headers => [rfc2069('SETUP', $base, $nonce, 'secret'),
                ['Transport', 'RTP/AVP/TCP;unicast;interleaved=0-1']]);
my ($sid) = ($r->{headers}{session} // '') =~ /^(\w+)/;
ok($r->{status} == 200 && $sid,
   'the SETUP of the track signed with the Content-Base: 200')
    or diag($r->{raw});

$r = $c->request('PLAY', $base,
    headers => [rfc2069('PLAY', $base, $nonce, 'secret'),
                ['Session', $sid // '']]);
is($r->{status}, 200, 'PLAY: 200');
my $got = $c->read_frames(1.5);
ok(($got->{0} // 0) >= 10, 'RTP arrives on the interleaved channel')
    or diag(explain($got));
$c->close();

$off = $t->log_offset();
$r = Sluice::RTSP->new(port => $rp)->request('DESCRIBE', $url,
    headers => [rfc2069('DESCRIBE', $url, $nonce, 'wrong')]);
ok($r->{status} == 401 && nonce_of($r, 'MD5'),
   'without qop, a wrong password: 401 with a challenge');
ok($t->wait_log(qr/method digest MD5, denied: wrong response/, 5, $off),
   'the wrong response is logged');

###############################################################################
# stale=true, with the raw client on the nonce taken at the start

my $wait = 3.3 - (time() - $old_at);
sleep($wait) if $wait > 0;

$off = $t->log_offset();
$r = $sc->request('DESCRIBE', $surl,
    headers => [sha256_auth('DESCRIBE', $surl, $old, '00000001', 'secret')]);
my @ch = challenges($r);
my ($fresh) = ($ch[0] // '') =~ /nonce="([^"]+)"/;
ok($r->{status} == 401 && @ch == 2
   && $ch[0] =~ /^Digest realm="Sluice", nonce="[^"]+", stale=true, qop="auth", algorithm=SHA-256$/
   && $ch[1] =~ /^Digest realm="Sluice", nonce="[^"]+", stale=true, qop="auth", algorithm=MD5$/,
   'a right response on an expired nonce: 401, stale=true after the nonce')
    or diag($r->{raw});
ok(defined $fresh && $fresh ne $old && nonce_of($r, 'MD5') eq $fresh,
   'with one fresh nonce');
ok($t->wait_log(qr/user "alice", method digest SHA-256, stale nonce/, 5,
                $off), 'the stale nonce is logged');

$off = $t->log_offset();
$r = $sc->request('DESCRIBE', $surl,
    headers => [sha256_auth('DESCRIBE', $surl, $old, '00000002', 'wrong')]);
@ch = challenges($r);
ok($r->{status} == 401 && @ch == 2 && !grep({ /stale/ } @ch),
   'a wrong password on the expired nonce: 401 without stale')
    or diag($r->{raw});
ok($t->wait_log(qr/method digest SHA-256, denied: wrong response/, 5, $off),
   'and it is logged as a wrong response');

$r = $sc->request('DESCRIBE', $surl,
    headers => [sha256_auth('DESCRIBE', $surl, $fresh // '', '00000001',
                            'secret')]);
is($r->{status}, 200, 'the fresh nonce: 200');
$sc->close();

###############################################################################
# stale=true on keep-alives: real players answer it and play on

my $long = "rtsp://127.0.0.1:$sp/vod/long.mp3";
my $cred = "rtsp://alice:secret\@127.0.0.1:$sp/vod/long.mp3";

# ffmpeg: the keep-alive after a stale 401 goes at once
$off = $t->log_offset();
my $s = rtsp_span($t, $cred, 'tcp');
my $span = $s->{span}{0} // 0;
ok($span >= $dur - 0.5, "ffprobe gets the whole stream ($span of $dur s)")
    or diag($s->{err});
my $m = stale_recovered($off, 'MD5');
ok($m, 'ffmpeg answers a stale 401 on ' . ($m // 'a keep-alive')
   . ' with the fresh nonce') or diag(substr($t->errlog(), $off));
ok(!timed_out($off), 'its session did not time out');

# GStreamer over UDP, the depayloaded MP3 kept.  Its exit code says
# nothing: at the end rtspsrc may flush its connection for the TEARDOWN
# while its own PAUSE is on the way, and report that as an error.
my $gmp3 = $t->path('gst.mp3');
$off = $t->log_offset();
my $g = $t->run_cmd(['gst-launch-1.0', '-q', 'rtspsrc', "location=$long",
    'user-id=alice', 'user-pw=secret', 'protocols=udp', '!',
    'rtpmpadepay', '!', 'filesink', "location=$gmp3"], timeout => 40);
my $gdur = -s $gmp3 ? file_duration($t, $gmp3) // 0 : 0;
ok($gdur >= $dur - 0.5,
   "GStreamer gets the whole stream ($gdur of $dur s)")
    or diag("$g->{out}$g->{err}");
$m = stale_recovered($off, 'MD5');
ok($m, 'GStreamer answers a stale 401 on ' . ($m // 'a keep-alive')
   . ' with the fresh nonce') or diag(substr($t->errlog(), $off));
ok(!timed_out($off), 'its session did not time out');

# live555.  openRTSP (livemedia-utils) and a VLC built with live555 are
# not in Debian 12, whose VLC has no RTSP client at all: these run where
# they are installed, and are skipped even under TEST_SLUICE_STRICT.

SKIP: {
    skip 'no openRTSP (live555)', 5 unless Sluice::_which('openRTSP');

    my $dir = $t->path('openrtsp');
    mkdir $dir;

    # -K: an OPTIONS every second, as for a server that needs them
    $off = $t->log_offset();
    my $o = $t->run_cmd(['openRTSP', '-u', 'alice', 'secret', '-K', $long],
                        cwd => $dir, timeout => 40);
    my $f = "$dir/audio-MPA-1";
    my $odur = -s $f ? file_duration($t, $f) // 0 : 0;
    ok($o->{code} == 0 && $odur >= $dur - 0.5,
       "openRTSP gets the whole stream ($odur of $dur s)")
        or diag($o->{err});
    ok($t->wait_log(qr/user "alice", method digest MD5, granted .* request: "SETUP \Q$long\E\/trackID=0"/,
                    1, $off),
       'its SETUP signed with the Content-Base is taken');
    $m = stale_recovered($off, 'MD5');
    ok($m, 'openRTSP answers a stale 401 on ' . ($m // 'a keep-alive')
       . ' with the fresh nonce') or diag(substr($t->errlog(), $off));

    unlink $f;
    $off = $t->log_offset();
    $o = $t->run_cmd(['openRTSP', '-u', 'alice', 'wrong', $long],
                     cwd => $dir, timeout => 20);
    ok($o->{code} != 0 && !-s $f, 'openRTSP with a wrong password: no media')
        or diag($o->{err});
    ok($t->wait_log(qr/method digest MD5, denied: wrong response/, 5, $off),
       'the wrong password is logged');
}

SKIP: {
    my @list = ('cvlc', '--list');
    @list = ('runuser', '-u', 'nobody', '--', 'env', 'HOME=/tmp', @list)
        if $> == 0;
    my $l = Sluice::_which('cvlc') ? $t->run_cmd(\@list, timeout => 20)
                                   : { out => '' };
    skip 'no VLC with live555', 5 unless $l->{out} =~ /^\s*live555\s/m;

    # 44.1 kHz stereo s16: 176400 bytes a second
    $off = $t->log_offset();
    my $v = vlc_decode($t, $cred, $dur + 3);
    ok($v->{bytes} >= 176400 * ($dur - 1),
       "VLC decodes the whole stream ($v->{bytes} bytes)") or diag($v->{err});
    ok($t->wait_log(qr/user "alice", method digest MD5, granted .* request: "SETUP \Q$long\E\/trackID=0"/,
                    1, $off),
       'its SETUP signed with the Content-Base is taken');
    $m = stale_recovered($off, 'MD5');
    ok($m, 'VLC answers a stale 401 on ' . ($m // 'a keep-alive')
       . ' with the fresh nonce') or diag(substr($t->errlog(), $off));

    $off = $t->log_offset();
    $v = vlc_decode($t, "rtsp://alice:wrong\@127.0.0.1:$sp/vod/long.mp3", 5);
    ok($v->{bytes} < 1000, "VLC with a wrong password: no media "
       . "($v->{bytes} bytes)");
    ok($t->wait_log(qr/method digest MD5, denied: wrong response/, 5, $off),
       'the wrong password is logged');
}
