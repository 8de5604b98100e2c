#!/usr/bin/perl

# Server-side playlists and archives: a playlist with a wrapper plays its
# entries in order and loops, each entry's title reaching ICY listeners;
# a broken playlist is a configuration error with file:line; an archived
# push is cut into files of archive_max_duration that ffprobe reads.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw/sleep/;

use lib 't/lib';
use Sluice;
use Sluice::HTTP qw/http_listen http_push/;
use Sluice::Media qw/make_media/;

my $t = Sluice->new()->has(qw/streaming http/)
    ->has_program(qw/ffmpeg ffprobe/);

make_media($t, 'a.mp3', 2, 'mp3');
make_media($t, 'b.mp3', 2, 'mp3');
make_media($t, 'id.mp3', 1, 'mp3');
make_media($t, 'push.mp3', 6, 'mp3');

$t->write_file('radio.playlist', <<'EOF');
# the station
title "Sluice Radio";
loop;
wrapper media/id.mp3 title="Station ID";
media/a.mp3 title="Song A";
media/b.mp3 title="Song B";
EOF

$t->write_file('broken.playlist', <<'EOF');
media/a.mp3;
media/b.mp3 speed=2;
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
        icy_metaint 4000;

        publishing_point /radio {
            type    broadcast;
            source  playlist radio.playlist;
        }

        publishing_point /rec {
            type    broadcast;
            source  push;
            allow_push 127.0.0.1;
            archive archive/rec-%H%M%S;
            archive_max_duration 2s;
        }
    }
}
EOF

mkdir $t->path('archive');

$t->plan(6);

# a broken playlist: sluice -t names it and the line

my $conf = $t->read_file('conf/sluice.conf');
(my $bad = $conf) =~ s/radio\.playlist/broken.playlist/;
$t->write_file('conf/bad.conf', $bad);
my $r = $t->sluice('-t', '-c', $t->path('conf/bad.conf'));
ok($r->{code} != 0 && $r->{err} =~ /unknown key "speed" in \S*broken\.playlist:2/,
    'a broken playlist is a config error with file:line')
    or diag($r->{err});

$t->run() or BAIL_OUT('cannot start sluice');
my $port = $t->port(8000);

# the playlist plays in order, with its wrapper, and loops

$r = http_listen($port, '/radio', icy => 1, seconds => 12);
my @seq;
for my $title (@{$r->{titles}}) {
    push @seq, $title unless @seq && $seq[-1] eq $title;
}
my $seq = join ' | ', @seq;
like($seq, qr/Song A \| Song B \| Station ID \| Song A/,
    'entries in order, the wrapper after the pass, then again')
    or diag($seq);

my $p = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-i',
    "http://127.0.0.1:$port/radio", '-t', '5', '-f', 'null', '-'],
    timeout => 20);
ok($p->{code} == 0 && $p->{err} !~ /\S/,
    'ffmpeg decodes across entries without error') or diag($p->{err});

# an archived push, cut every 2 s

my $mp3 = $t->read_file('media/push.mp3');
$r = http_push($port, '/rec', $mp3, rate => 16000 * 2, timeout => 10);
is($r->{status}, 200, 'a 6 s push at twice real time accepted');
$t->wait_log(qr/archive ".*rec-\d+(-\d+)?\.mp3" closed/, 5);
sleep 0.5;

opendir my $d, $t->path('archive');
my @files = sort grep { /^rec-\d+(-\d+)?\.mp3$/ } readdir $d;
ok(@files >= 2, 'archive_max_duration cut the archive ('
    . scalar(@files) . ' files)');

my $good = 0;
for my $f (@files) {
    my $q = $t->run_cmd(['ffprobe', '-v', 'error', '-show_entries',
        'stream=codec_name', '-of', 'csv=p=0', $t->path("archive/$f")]);
    $good++ if $q->{out} =~ /^mp3/ && $q->{err} !~ /\S/;
}
is($good, scalar @files, 'every archive file is an MP3 ffprobe reads');
