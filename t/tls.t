#!/usr/bin/perl

# TLS: RTSPS and HTTPS with a certificate authority made for the test.
# ffprobe, ffmpeg and GStreamer play rtsps:// (TCP interleaved; UDP is
# refused on TLS), Basic passwords are taken over RTSPS and refused on
# plain RTSP, an encoder pushes over RTSPS, the certificate verifies
# against the test CA and not against another, TLSv1.1 is refused by
# default, HTTPS carries a live stream, session tickets resume across a
# reload and not four, a renewed certificate is served after a reload
# while a stream started before goes on, a key that is not the
# certificate's fails the reload with file:line and the old certificate
# stays, and a client that never finishes its handshake is closed after
# ssl_handshake_timeout.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/time sleep/;

use lib 't/lib';
use Sluice;
use Sluice::RTSP;
use Sluice::HTTP qw/http_connect/;
use Sluice::Media qw/make_media rtsp_codecs/;
use Sluice::TLS qw/make_ca make_cert make_key s_client/;

my $t = Sluice->new()->has(qw/streaming ssl auth rtsp http/)
    ->has_program(qw/ffmpeg ffprobe curl openssl gst-launch-1.0/);

eval { require IO::Socket::SSL; 1 }
    or plan(skip_all => 'IO::Socket::SSL (libio-socket-ssl-perl) missing');

# the failed reload below is logged at emerg, as it should be
$t->expect_errors(qr/is not the key of the certificate before it/);

make_ca($t);
make_ca($t, 'otherca');
make_cert($t, 'server', 'sluice-first');
make_cert($t, 'renewed', 'sluice-renewed');
make_key($t, 'stray');

my $conf = <<'EOF';
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        listen 127.0.0.1:%%PORT_8322%% rtsp ssl;
        listen 127.0.0.1:%%PORT_8000%% http;
        listen 127.0.0.1:%%PORT_8443%% http ssl;

        ssl_certificate %%TESTDIR%%/server.pem;
        ssl_certificate_key %%KEY%%;
        ssl_handshake_timeout 1s;

        auth_users %%TESTDIR%%/users;

        publishing_point /vod {
            type on_demand;
            path %%TESTDIR%%/media;
        }

        publishing_point /basic {
            type on_demand;
            path %%TESTDIR%%/media;
            auth basic;
        }

        publishing_point /live {
            type broadcast;
            source push;
            allow_push 127.0.0.1;
        }

        publishing_point /cam {
            type broadcast;
            source push;
            allow_push 127.0.0.1;
            auth basic;
            authorize write alice;
        }
    }
}
EOF

sub write_conf {
    my ($key) = @_;
    (my $c = $conf) =~ s/%%KEY%%/$key/;
    $t->write_file_expand('sluice.conf', $c);
}

write_conf($t->path('server.key'));

{
    open my $fh, '|-', 'scripts/sluice-passwd', '--stdin', $t->path('users'),
        'alice' or die "sluice-passwd: $!";
    print $fh "secret\n";
    close $fh or die 'sluice-passwd failed';
}

make_media($t, 'a.mp4', 2, 'mp4');
make_media($t, 'long.mp4', 5, 'mp4');

$t->plan(32);
$t->run() or BAIL_OUT('cannot start sluice');

my $sp = $t->port(8322);
my $rp = $t->port(8554);
my $hp = $t->port(8000);
my $tp = $t->port(8443);

# RTSPS with ffprobe and ffmpeg
my $c = rtsp_codecs($t, "rtsps://127.0.0.1:$sp/vod/a.mp4");
is("@{$c->{codecs}}", 'aac h264', 'ffprobe plays rtsps://') or diag($c->{err});
ok($t->wait_log(qr/TLS handshake: TLSv1\.3 /), 'the handshake is logged');

my $r = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i',
    "rtsps://127.0.0.1:$sp/vod/a.mp4", '-map', '0:v', '-f', 'framemd5', '-'],
    timeout => 30);
my $frames = () = $r->{out} =~ /^0,/mg;
ok($r->{code} == 0 && $frames >= 48,
   "ffmpeg decodes the video over RTSPS ($frames of 50 pictures)")
    or diag($r->{err});

# GStreamer (it cannot be given the test CA from gst-launch: validation off)
$r = $t->run_cmd(['gst-launch-1.0', '-q', 'rtspsrc',
    "location=rtsps://127.0.0.1:$sp/vod/a.mp4", 'tls-validation-flags=0',
    '!', 'rtph264depay', '!', 'h264parse', '!', 'avdec_h264', '!',
    'fakesink', 'num-buffers=40'], timeout => 30);
is($r->{code}, 0, 'GStreamer rtspsrc decodes 40 pictures over RTSPS')
    or diag("$r->{err}$r->{out}");

# the certificate: the test CA verifies it, another CA does not
my $s = s_client($t, $sp, '-CAfile', $t->path('ca.pem'),
                 '-verify_return_error', '-servername', 'localhost');
like($s->{out}, qr/Verify return code: 0 \(ok\)/,
     'the certificate verifies against the test CA');
like($s->{out}, qr/subject=CN\s*=\s*sluice-first/, 'it is the configured one');

$s = s_client($t, $sp, '-CAfile', $t->path('otherca.pem'),
              '-verify_return_error');
ok($s->{code} != 0 && $s->{out} =~ /verify error|unable to get/,
   'another CA does not verify it') or diag($s->{out});

# protocols: TLSv1.2 and TLSv1.3 by default
$s = s_client($t, $sp, '-tls1_2');
like($s->{out}, qr/Protocol\s*:\s*TLSv1\.2/, 'TLSv1.2 is accepted');
$s = s_client($t, $sp, '-tls1_1');
ok($s->{out} =~ /alert protocol version/ && $s->{out} =~ /Cipher is \(NONE\)/,
   'TLSv1.1 is refused') or diag($s->{out});

# on TLS only TCP interleaved: UDP would carry the media in clear
my $ssl = { SSL_ca_file => $t->path('ca.pem'), SSL_verifycn_name => 'localhost',
            SSL_hostname => 'localhost' };
my $rc = Sluice::RTSP->new(port => $sp, ssl => $ssl)
    or die "RTSPS: $@";
my $url = "rtsps://127.0.0.1:$sp/vod/a.mp4";
$r = $rc->request('DESCRIBE', $url, headers => { Accept => 'application/sdp' });
is($r->{status}, 200, 'DESCRIBE over TLS');
my ($control) = $r->{body} =~ /m=video.*?a=control:(\S+)/s;
$control = "$url/$control" unless $control =~ m{^rtsps?://};
$r = $rc->request('SETUP', $control, headers => {
    Transport => 'RTP/AVP;unicast;client_port=40000-40001' });
is($r->{status}, 461, 'SETUP with UDP only on TLS: 461');
$r = $rc->request('SETUP', $control,
    headers => { Transport => 'RTP/AVP;unicast;client_port=40000-40001,'
                              . 'RTP/AVP/TCP;unicast;interleaved=0-1' });
ok($r->{status} == 200 && $r->{headers}{transport} =~ m{RTP/AVP/TCP},
   'UDP or TCP offered: TCP chosen') or diag($r->{raw});
$rc->close();

# Basic: over RTSPS, not over plain RTSP
my $off = $t->log_offset();
$c = rtsp_codecs($t, "rtsps://alice:secret\@127.0.0.1:$sp/basic/a.mp4");
is("@{$c->{codecs}}", 'aac h264', 'Basic over RTSPS plays') or diag($c->{err});
ok($t->wait_log(qr/authentication: user "alice", method basic, granted/, 5,
                $off), 'the Basic login is logged');

$c = rtsp_codecs($t, "rtsp://alice:secret\@127.0.0.1:$rp/basic/a.mp4");
ok($c->{code} != 0 && !@{$c->{codecs}}, 'Basic over plain RTSP: no media')
    or diag($c->{err});

# an encoder over RTSPS with Basic, and a player of its stream over RTSPS
$off = $t->log_offset();
my $cam = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-i', $t->path('media/long.mp4'), '-c', 'copy', '-f', 'rtsp',
    "rtsps://alice:secret\@127.0.0.1:$sp/cam"]);
ok($t->wait_log(qr/encoder connected to "\/cam" \(RTSP/, 10, $off),
   'an encoder pushes over RTSPS with Basic');
sleep 1;
$c = rtsp_codecs($t, "rtsps://alice:secret\@127.0.0.1:$sp/cam");
is("@{$c->{codecs}}", 'aac h264', 'its stream plays over RTSPS')
    or diag($c->{err});
$t->stop_cmd($cam, 'INT');

# HTTPS: a live MP3 stream, verified with the test CA
my $enc = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
    '-content_type', 'audio/mpeg', '-method', 'PUT',
    "http://127.0.0.1:$hp/live"]);
$t->wait_log(qr/encoder connected to "\/live"/, 10);
sleep 1;
$r = $t->run_cmd(['curl', '-s', '--cacert', $t->path('ca.pem'),
    '--max-time', '2', '-o', $t->path('https.mp3'), '-w', '%{http_code}',
    "https://localhost:$tp/live"], timeout => 10);
is($r->{out}, '200', 'curl gets the live stream over HTTPS');
my $p = $t->run_cmd(['ffprobe', '-v', 'error', '-show_entries',
    'stream=codec_name', '-of', 'csv=p=0', $t->path('https.mp3')]);
is($p->{out} =~ s/\s+//gr, 'mp3', 'what came over HTTPS is MP3')
    or diag($p->{err});
$r = $t->run_cmd(['curl', '-s', '--max-time', '2', '-o', '/dev/null',
    "https://localhost:$tp/live"], timeout => 10);
is($r->{code}, 60, 'curl without the test CA refuses the certificate');
$t->stop_cmd($enc);

# a client that never finishes its handshake is closed
my $idle = http_connect($tp) or die;
my $t0 = time();
my $sel = IO::Select->new($idle);
my $closed = 0;
if ($sel->can_read(5)) {
    my $n = sysread($idle, my $buf, 100);
    $closed = defined $n && $n == 0;
}
ok($closed && time() - $t0 < 4, 'a silent client is closed after '
   . 'ssl_handshake_timeout');
ok($t->wait_log(qr/TLS handshake timed out/), 'and that is logged');

# plain text on the TLS port: refused, the server goes on
$off = $t->log_offset();
$rc = Sluice::RTSP->new(port => $sp) or die;
$r = $rc->request('OPTIONS', "rtsp://127.0.0.1:$sp/");
ok(!defined $r || !$r->{status}, 'plain RTSP on the TLS port gets no answer');
$rc->close();
ok($t->wait_log(qr/TLS handshake failed/, 5, $off), 'the failure is logged');

# session tickets: resumed after a reload (the previous key still opens),
# not after four (the newest three are kept)
my $sess = $t->path('session');
$s = s_client($t, $sp, '-sess_out', $sess);
ok(-s $sess, 'a session ticket') or diag($s->{out});

# a stream started before the reloads plays to its end
my $play = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i',
    "rtsps://127.0.0.1:$sp/vod/long.mp4", '-map', '0:v', '-f', 'framemd5',
    $t->path('long.md5')]);
sleep 0.5;

# a renewed certificate in the same files
for my $ext (qw/pem key/) {
    rename $t->path("renewed.$ext"), $t->path("server.$ext") or die $!;
}
$t->reload() or die 'reload failed';

$s = s_client($t, $sp, '-sess_in', $sess);
like($s->{out}, qr/^Reused,/m, 'resumed after a reload');
$s = s_client($t, $sp, '-CAfile', $t->path('ca.pem'), '-verify_return_error');
ok($s->{out} =~ /subject=CN\s*=\s*sluice-renewed/
   && $s->{out} =~ /Verify return code: 0 \(ok\)/,
   'the renewed certificate is served after the reload');

# a key that is not the certificate's: the reload fails, the old one stays
$off = $t->log_offset();
write_conf($t->path('stray.key'));
$t->signal('HUP', $t->master_pid());
my $stray = $t->path('stray.key');
my $wrong = qr/"\Q$stray\E" is not the key of the certificate before it/;
ok($t->wait_log(qr/\[emerg\].*$wrong.* in \S+sluice\.conf:16$/, 10, $off),
   'a wrong key fails the reload with file:line');
$s = s_client($t, $sp, '-CAfile', $t->path('ca.pem'));
like($s->{out}, qr/subject=CN\s*=\s*sluice-renewed/,
     'the running server keeps its certificate');
write_conf($t->path('server.key'));

# the refused reload made no ticket key: after a second reload the
# ticket still opens, after four it does not
$t->reload() or die 'reload failed';
$s = s_client($t, $sp, '-sess_in', $sess);
like($s->{out}, qr/^Reused,/m,
     'resumed after two reloads (the refused one made no key)');
$t->reload() or die 'reload failed';
$t->reload() or die 'reload failed';
$s = s_client($t, $sp, '-sess_in', $sess);
like($s->{out}, qr/^New,/m, 'not resumed after four reloads');

my $deadline = time() + 20;
sleep 0.2 while $t->cmd_running($play) && time() < $deadline;
my $pr = $t->stop_cmd($play);
my $md5 = $t->read_file('long.md5') // '';
$frames = () = $md5 =~ /^0,/mg;
ok($frames >= 120, "the RTSPS stream went on across the reloads "
   . "($frames of 125 pictures)") or diag($pr->{err});

$t->done_testing();
