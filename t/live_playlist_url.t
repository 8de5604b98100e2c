#!/usr/bin/perl

# URL entries of playlists: a point's playlist relays an http:// and an
# rtsp:// URL (an origin point of the same server, itself a playlist)
# between files, for the entry's duration.  Listeners of the point hear
# one stream: ICY titles in order, ffmpeg decodes across the switches,
# RTP timestamps run on.  A URL that cannot be pulled is skipped with its
# playlist line, never tried again by the pull; a playlist of nothing but
# such URLs tries them every 5 s and plays once the upstream is there.
# URL errors fail -t with FILE:LINE.

use strict;
use warnings;

use Test::More;

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_listen/;
use Sluice::Media qw/make_media/;

my $t = Sluice->new()->has(qw/streaming http rtsp/)
    ->has_program(qw/ffmpeg ffprobe/);

# the same encoding everywhere: a relay between files changes no track
make_media($t, 'a.mp3', 2, 'mp3');
make_media($t, 'origin.mp3', 20, 'mp3');

$t->write_file_expand('pl/origin.playlist', <<'EOF');
loop;
../media/origin.mp3 title="Origin";
EOF

$t->write_file_expand('pl/mix.playlist', <<'EOF');
loop;
../media/a.mp3 title="File";
http://127.0.0.1:%%PORT_8000%%/origin duration=3s title="Relay";
http://127.0.0.1:%%PORT_8001%%/nothing duration=2s title="Dead";
../media/a.mp3 title="File";
EOF

$t->write_file_expand('pl/rmix.playlist', <<'EOF');
loop;
../media/a.mp3 title="File";
rtsp://127.0.0.1:%%PORT_8554%%/origin duration=3s title="RTSP Relay";
../media/a.mp3 title="File";
EOF

$t->write_file_expand('pl/late.playlist', <<'EOF');
loop;
http://127.0.0.1:%%PORT_8000%%/later duration=2s title="Late";
EOF

$t->write_file_expand('sluice.conf', <<'EOF');
worker_processes 2;
error_log logs/error.log info;

events {
    worker_connections 256;
}

streaming {
    server {
        listen 127.0.0.1:%%PORT_8000%% http;
        listen 127.0.0.1:%%PORT_8554%% rtsp;
        icy_metaint 4000;

        publishing_point /origin {
            type    broadcast;
            source  playlist pl/origin.playlist;
        }

        publishing_point /mix {
            type    broadcast;
            source  playlist pl/mix.playlist;
        }

        publishing_point /rmix {
            type    broadcast;
            source  playlist pl/rmix.playlist;
        }

        publishing_point /late {
            type    broadcast;
            source  playlist pl/late.playlist;
        }

        publishing_point /later {
            type        broadcast;
            source      push;
            allow_push  127.0.0.1;
        }
    }
}
EOF

$t->plan(13);

# URL entries are configured with the playlist: errors name its line

sub check_bad {
    my ($playlist, $re, $name) = @_;
    $t->write_file('pl/bad.playlist', $playlist);
    my $conf = $t->read_file('conf/sluice.conf');
    $conf =~ s{pl/rmix\.playlist}{pl/bad.playlist};
    $t->write_file('conf/bad.conf', $conf);
    my $r = $t->sluice('-t', '-c', $t->path('conf/bad.conf'));
    ok($r->{code} != 0 && $r->{err} =~ $re, $name) or diag($r->{err});
}

check_bad("../media/a.mp3;\nhttp://127.0.0.1:99999/x duration=1s;\n",
    qr/invalid playlist URL "http:\/\/127.0.0.1:99999\/x": a bad port in \S*bad\.playlist:2/,
    'a bad URL entry fails -t with the playlist line');
check_bad("../media/a.mp3;\n\nrtsp://127.0.0.1/x start=5s;\n",
    qr/"start" is for files, not for the URL "rtsp:\/\/127.0.0.1\/x" in \S*bad\.playlist:3/,
    'start= on a URL entry fails -t with the playlist line');

$t->run() or BAIL_OUT('cannot start sluice');
my $port = $t->port(8000);
my $rport = $t->port(8554);
my $dead = $t->port(8001);

sub titles {
    my ($path, $seconds) = @_;
    my $r = http_listen($port, $path, icy => 1, seconds => $seconds);
    my @seq;
    for my $title (@{$r->{titles}}) {
        push @seq, $title unless @seq && $seq[-1] eq $title;
    }
    return join ' | ', @seq;
}

# over HTTP: file, relay, (a dead URL skipped), file, and again

my $seq = titles('/mix', 16);
like($seq, qr/File \| Relay \| File/, 'the HTTP relay plays between the files')
    or diag($seq);
unlike($seq, qr/Dead|Origin/, 'neither the dead URL\'s title nor the '
    . 'origin\'s') or diag($seq);

ok($t->wait_log(qr/pull connected .*receiving mp3.*publishing point: \/mix$/,
    1), 'the relay is a pull of the origin');
ok($t->wait_log(qr/playlist "\S*mix\.playlist" line 4: "http:\/\/127.0.0.1:$dead\/nothing" relayed nothing, skipped/,
    1), 'the dead URL is skipped, its playlist line logged');
ok(!$t->wait_log(qr/pull: next attempt.*publishing point: \/r?mix$/, 0),
    'a relay of a playlist is never tried again');

my $p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i',
    "http://127.0.0.1:$port/mix", '-t', '8', '-f', 'null', '-'],
    timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/,
    'ffmpeg decodes the HTTP listener across the relay without error')
    or diag($p->{err});

# over RTSP, and its listeners: one RTP stream, timestamps running on

$seq = titles('/rmix', 16);
like($seq, qr/File \| RTSP Relay \| File/,
    'the RTSP relay plays between the files') or diag($seq);

$p = $t->run_cmd(['ffprobe', '-v', 'error', '-rtsp_transport', 'tcp',
    '-read_intervals', '%+9', '-select_streams', 'a', '-show_entries',
    'packet=pts_time', '-of', 'csv=p=0', "rtsp://127.0.0.1:$rport/mix"],
    timeout => 30);
# a line is "pts_time," and, once sender reports came, ffmpeg's producer
# reference time side data (empty fields here)
my @pts = map { /^(-?[\d.]+)/ ? $1 : () } split /\n/, $p->{out};
my ($back, $gap) = (0, 0);
for my $i (1 .. $#pts) {
    my $d = $pts[$i] - $pts[$i - 1];
    $back++ if $d < 0;
    $gap = $d if $d > $gap;
}
ok(@pts > 200 && $back == 0 && $gap < 0.2 && $pts[-1] - $pts[0] > 7,
    'an RTSP listener\'s timestamps run on across the switches ('
    . scalar(@pts) . ' packets, ' . ($pts[-1] // 0) . " s, $back back, "
    . "largest step $gap s)") or diag($p->{err});

# an upstream that is not there yet: tried every 5 s, played once there

my $later = qr/playlist "\S*late\.playlist" line 2: "\S*\/later" relayed nothing/;
my $off = $t->log_offset();
my $first = $t->wait_log($later, 10, $off);
$off = $t->log_offset();
my $second = $t->wait_log($later, 10, $off);
my ($t1, $t2) = map { /(\d+):(\d+):(\d+) \[/ ? $1 * 3600 + $2 * 60 + $3 : 0 }
    $first // '', $second // '';
ok($first && $second && $t2 - $t1 >= 4 && $t2 - $t1 <= 7,
    'a playlist of a missing upstream waits 5 s between tries ('
    . ($t2 - $t1) . ' s)');

my $enc = $t->start_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=30',
    '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3',
    '-content_type', 'audio/mpeg',
    "icecast://source:x\@127.0.0.1:$port/later"]);
ok($t->wait_log(qr/receiving mp3.*publishing point: \/late$/, 10, $off),
    'once the upstream is there, the playlist relays it');
$seq = titles('/late', 3);
like($seq, qr/^Late$/, 'its listeners get the relay') or diag($seq);
$t->stop_cmd($enc);
