#!/usr/bin/perl

# A live MP3 stream over HTTP: ffmpeg pushes it as icecast:// (PUT with
# Expect: 100-continue); players get it with and without ICY metadata,
# the title from the encoder's ID3 tag and from /admin/metadata reaches
# them; listeners on both workers get the same stream; a second encoder
# gets 409, a client outside allow_push 403, a point without a source 503.

use strict;
use warnings;

use Test::More;
use IO::Select;
use Time::HiRes qw/time sleep/;
use POSIX ();

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_connect http_head http_request http_listen
    http_push/;
use Sluice::Media qw/vlc_decode/;

my $t = Sluice->new()->has(qw/streaming http/)
    ->has_program(qw/ffmpeg ffprobe/);

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8000%% http;

        publishing_point /live {
            type        broadcast;
            source      push;
            allow_push  127.0.0.1;
        }

        publishing_point /nopush {
            type        broadcast;
            source      push;
        }

        publishing_point /idle {
            type        broadcast;
            source      push;
            allow_push  127.0.0.1;
        }
    }
}
EOF

$t->plan(26);
$t->run() or BAIL_OUT('cannot start sluice');

my $port = $t->port(8000);
my $base = "http://127.0.0.1:$port";

my $enc = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=40',
    '-c:a', 'libmp3lame', '-b:a', '128k',
    '-metadata', 'title=Song', '-metadata', 'artist=Band',
    '-f', 'mp3', '-content_type', 'audio/mpeg',
    "icecast://source:secret\@127.0.0.1:$port/live"]);

ok($t->wait_log(qr/encoder connected to "\/live"/, 10),
    'ffmpeg pushes over icecast:// (PUT, 100-continue)');

# the stream is described once its first frames are in
for (1 .. 50) {
    last if http_request($port, "HEAD /live HTTP/1.1\r\nHost: x\r\n\r\n",
                         1)->{status} == 200;
    sleep 0.1;
}

# a player asking for ICY metadata

my $r = http_listen($port, '/live', icy => 1, seconds => 3);
is($r->{status}, 200, 'listener gets 200');
is($r->{headers}{'content-type'}, 'audio/mpeg', 'Content-Type audio/mpeg');
is($r->{headers}{'icy-metaint'}, 16000, 'icy-metaint 16000');
ok(length($r->{audio}) > 30000,
    'three seconds bring the stream (' . length($r->{audio}) . ' bytes)');
is($r->{titles}[0], 'Band - Song', 'StreamTitle from the encoder\'s ID3 tag')
    or diag(explain($r->{titles}));
ok(defined $r->{first_byte} && $r->{first_byte} < 0.5,
    'first byte at once (' . ($r->{first_byte} // 'none') . ' s)');
like($r->{audio}, qr/\xff[\xfa\xfb]/, 'MPEG audio frames in the stream');

# without metadata the bytes are the stream alone

$r = http_listen($port, '/live', seconds => 1.5);
ok(!exists $r->{headers}{'icy-metaint'} && length($r->{audio}) > 10000,
    'no ICY blocks unless asked');

# real players

my $p = $t->run_cmd(['ffprobe', '-v', 'error', '-show_entries',
    'stream=codec_name,sample_rate', '-of', 'csv=p=0', "$base/live"],
    timeout => 20);
like($p->{out}, qr/^mp3,44100/m, 'ffprobe sees mp3 at 44100 Hz')
    or diag($p->{err});

$p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i', "$base/live",
    '-t', '3', '-f', 'null', '-'], timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/, 'ffmpeg decodes 3 s without error')
    or diag($p->{err});

SKIP: {
    skip 'no cvlc', 1 unless Sluice::_which('cvlc') || $ENV{TEST_SLUICE_STRICT};
    my $v = vlc_decode($t, "$base/live", 3);
    ok($v->{bytes} > 176400, "VLC plays it ($v->{bytes} bytes of audio)")
        or diag($v->{err});
}

SKIP: {
    skip 'no mpv', 1 unless Sluice::_which('mpv') || $ENV{TEST_SLUICE_STRICT};
    $p = $t->run_cmd(['mpv', '--no-config', '--vo=null', '--ao=null',
        '--length=2', "$base/live"], timeout => 30);
    ok($p->{code} == 0 && $p->{out} =~ /Audio --aid=1.*mp3/s,
        'mpv plays it') or diag($p->{out} . $p->{err});
}

# the title from icecast's metadata request reaches listeners

$r = http_request($port, "GET /admin/metadata?mount=/live&mode=updinfo&"
    . "song=Next+%26+Last HTTP/1.1\r\nHost: x\r\n\r\n");
is($r->{status}, 200, '/admin/metadata updinfo accepted');

$r = http_listen($port, '/live', icy => 1, bytes => 40000, seconds => 5);
is($r->{titles}[0], 'Next & Last', 'the new title reaches a new listener');

# listeners on both workers, one stream

my @s;
for (1 .. 16) {
    my $s = http_connect($port) or next;
    print $s "GET /live HTTP/1.1\r\nHost: x\r\n\r\n";
    push @s, $s;
}
my %got;
my $sel = IO::Select->new(@s);
my $deadline = time() + 2.5;
while (time() < $deadline) {
    for my $s ($sel->can_read(0.2)) {
        my $n = sysread($s, my $buf, 65536);
        $got{fileno $s} += $n if $n;
    }
}
my @full = grep { ($got{fileno $_} // 0) > 20000 } @s;
is(scalar @full, 16, '16 listeners at once each get the stream');
close $_ for @s;

my %pids;
for my $line (split /\n/, $t->read_file('logs/error.log')) {
    $pids{$1} = 1 if $line =~ /\[info\] (\d+)#\d+: .*listener joined "\/live"/;
}
is(scalar keys %pids, 2, 'listeners were served by both workers');

# a second encoder on a busy point, a client without permission, no source

$r = http_push($port, '/live', "\xff\xfb" x 100,
    headers => "Content-Type: audio/mpeg\r\nExpect: 100-continue\r\n");
is($r->{status}, 409, 'a second encoder gets 409');

$r = http_push($port, '/nopush', "\xff\xfb" x 100,
    headers => "Content-Type: audio/mpeg\r\nExpect: 100-continue\r\n");
is($r->{status}, 403, 'push without allow_push gets 403');

$r = http_push($port, '/live', 'x' x 100,
    headers => "Content-Type: image/png\r\n");
is($r->{status}, 415, 'a push of another format gets 415');

# icecast's SOURCE: 200 at once, the body until the encoder closes
{
    my $s = http_connect($port);
    print $s "SOURCE /idle HTTP/1.0\r\nContent-Type: audio/mpeg\r\n"
        . "Authorization: Basic c291cmNlOng=\r\n\r\n";
    my $h = http_head($s, 5);
    my $frame = "\xff\xfb\x90\x64" . ("\0" x 413);   # 128 kbit/s, 44.1 kHz
    print $s $frame x 100;

    # the stream is described once its first frames are parsed
    for (1 .. 50) {
        last if http_request($port, "HEAD /idle HTTP/1.1\r\nHost: x\r\n\r\n",
                             1)->{status} == 200;
        sleep 0.1;
    }

    # more frames while a player listens
    my $pid = fork() // die;
    if ($pid == 0) {
        for (1 .. 20) {
            print $s $frame x 10;
            sleep 0.1;
        }
        POSIX::_exit(0);
    }
    my $l = http_listen($port, '/idle', seconds => 1.5);
    waitpid($pid, 0);
    close $s;
    ok($h->{status} == 200 && $l->{status} == 200
        && length($l->{audio}) >= 417 * 50,
        'SOURCE: 200 at once, its stream reaches players ('
        . length($l->{audio} // '') . ' bytes)');
}
# a malformed chunked body: 400, and the point is free for the next
$r = http_push($port, '/idle', "zz\r\n\xff\xfb",
    headers => "Content-Type: audio/mpeg\r\nTransfer-Encoding: chunked\r\n");
my $bad = $r->{status};
$r = http_push($port, '/idle', ("\xff\xfb\x90\x64" . ("\0" x 413)) x 20);
is("$bad $r->{status}", '400 200',
    'a bad chunked push gets 400 and leaves the point free');

$r = http_request($port, "GET /nopush HTTP/1.1\r\nHost: x\r\n\r\n");
is($r->{status}, 503, 'a point without a source gets 503');

$r = http_request($port, "GET /nosuch HTTP/1.1\r\nHost: x\r\n\r\n");
is($r->{status}, 404, 'a path that is no broadcast point gets 404');

$r = http_request($port, "BREW /live HTTP/1.1\r\nHost: x\r\n\r\n");
is($r->{status}, 501, 'an unknown method gets 501');

my $e = $t->stop_cmd($enc);
ok($e->{err} !~ /error|failed/i, 'the encoder saw no error')
    or diag($e->{err});
