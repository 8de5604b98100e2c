package Sluice::Media;

# Test media made with ffmpeg, and what real players make of a stream:
# the codecs ffprobe sees, the time span of the packets it receives, and
# whether ffmpeg decodes it without an error.

use strict;
use warnings;

use Exporter qw/import/;
our @EXPORT_OK = qw/make_media file_duration rtsp_codecs rtsp_span
    rtsp_decode rtsp_seek_start vlc_decode/;

# ffmpeg arguments for each kind of test file, SECONDS long
my %recipe = (
    mp3 => sub { ('-f', 'lavfi', '-i', "sine=frequency=440:duration=$_[0]",
                  '-c:a', 'libmp3lame', '-b:a', '128k') },
    mp3vbr => sub { ('-f', 'lavfi', '-i', "sine=frequency=440:duration=$_[0]",
                     '-c:a', 'libmp3lame', '-q:a', '4') },
    mp4 => sub { ('-f', 'lavfi', '-i', "testsrc=duration=$_[0]:size=320x240:rate=25",
                  '-f', 'lavfi', '-i', "sine=frequency=440:duration=$_[0]",
                  '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt',
                  'yuv420p', '-g', '25', '-c:a', 'aac', '-b:a', '96k',
                  '-shortest') },
    mp4moovlast => sub { ('-f', 'lavfi', '-i',
                  "testsrc=duration=$_[0]:size=320x240:rate=25",
                  '-f', 'lavfi', '-i', "sine=frequency=440:duration=$_[0]",
                  '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt',
                  'yuv420p', '-g', '25', '-c:a', 'aac', '-shortest') },
    ts => sub { ('-f', 'lavfi', '-i', "testsrc=duration=$_[0]:size=320x240:rate=25",
                 '-f', 'lavfi', '-i', "sine=frequency=440:duration=$_[0]",
                 '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt',
                 'yuv420p', '-g', '25', '-b:v', '800k', '-c:a', 'aac',
                 '-b:a', '96k', '-shortest', '-f', 'mpegts') },
);

# Makes DIR/NAME (kind from its extension or KIND) of SECONDS; returns the
# path.  Dies when ffmpeg fails: the test cannot go on without it.
sub make_media {
    my ($t, $name, $seconds, $kind) = @_;
    ($kind) = $name =~ /\.(\w+)$/ unless defined $kind;
    my $path = $t->path("media/$name");
    return $path if -s $path;

    mkdir $t->path('media');
    my $r = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', '-y',
        $recipe{$kind}->($seconds), $path], timeout => 120);
    die "ffmpeg could not make $name: $r->{err}" unless $r->{code} == 0
        && -s $path;
    return $path;
}

# VLC plays URL for SECONDS and writes the decoded audio to a WAV file
# (as nobody when root: Debian's VLC refuses root); returns { code, err,
# bytes (of decoded audio) }.  OPTS: more VLC options (--rtsp-tcp).
sub vlc_decode {
    my ($t, $url, $seconds, @opts) = @_;
    my $wav = $t->testdir() . "/vlc$$." . int(rand(1e9)) . '.wav';
    my @vlc = ('cvlc', '-I', 'dummy', '--no-video', @opts,
        "--run-time=$seconds", '--play-and-exit', $url,
        "--sout=#transcode{acodec=s16l,channels=2}:std{access=file,mux=wav,dst=$wav}");
    @vlc = ('runuser', '-u', 'nobody', '--', 'env', 'HOME=/tmp', @vlc)
        if $> == 0;
    my $r = $t->run_cmd(\@vlc, timeout => $seconds + 20);
    my $bytes = -s $wav // 0;
    unlink $wav;
    return { code => $r->{code}, err => $r->{err}, bytes => $bytes };
}

# The duration of a file as ffprobe reads it, seconds
sub file_duration {
    my ($t, $path) = @_;
    my $r = $t->run_cmd(['ffprobe', '-v', 'error', '-show_entries',
        'format=duration', '-of', 'default=nw=1:nk=1', $path]);
    return $r->{out} =~ /([\d.]+)/ ? $1 : undef;
}

sub _transport {
    my ($tr) = @_;
    return ('-rtsp_transport', $tr // 'tcp');
}

# The codec names ffprobe finds in the stream, sorted, duplicates removed
sub rtsp_codecs {
    my ($t, $url, $tr) = @_;
    my $r = $t->run_cmd(['ffprobe', '-v', 'error', _transport($tr),
        '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', $url],
        timeout => 30);
    my %seen;
    my @c = sort grep { length && !$seen{$_}++ } map { s/\s+//gr }
        split /\n/, $r->{out};
    return { codecs => \@c, err => $r->{err}, code => $r->{code} };
}

# Plays the whole stream with ffprobe -show_packets: per stream, the span
# from the first packet's time to the last one's end, seconds; and the
# wall-clock time it took.
sub rtsp_span {
    my ($t, $url, $tr, %opts) = @_;
    my $start = Time::HiRes::time();
    my $r = $t->run_cmd(['ffprobe', '-v', 'error', _transport($tr),
        @{$opts{args} // []},
        '-show_entries', 'packet=stream_index,pts_time,duration_time',
        '-of', 'csv=p=0', $url], timeout => $opts{timeout} // 60);
    my $wall = Time::HiRes::time() - $start;

    my (%first, %last, %n);
    for my $line (split /\n/, $r->{out}) {
        my ($s, $pts, $dur) = split /,/, $line;
        next unless defined $pts && $pts =~ /^-?[\d.]+$/;
        $dur = 0 unless defined $dur && $dur =~ /^[\d.]+$/;
        $first{$s} = $pts if !defined $first{$s} || $pts < $first{$s};
        $last{$s} = $pts + $dur if !defined $last{$s} || $pts + $dur > $last{$s};
        $n{$s}++;
    }
    my %span = map { $_ => $last{$_} - $first{$_} } keys %first;
    return { span => \%span, first => \%first, packets => \%n,
        wall => $wall, err => $r->{err}, code => $r->{code},
        timeout => $r->{timeout} };
}

# Decodes the whole stream with ffmpeg; errors are what it printed
sub rtsp_decode {
    my ($t, $url, $tr) = @_;
    my $r = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error', _transport($tr),
        '-i', $url, '-f', 'null', '-'], timeout => 60);
    return { code => $r->{code}, err => $r->{err}, timeout => $r->{timeout} };
}

# Where playback starts after a PLAY with Range: npt=SECONDS: the time of
# the first decoded frame of each stream, seconds from the start of the
# stream.  ffmpeg would ask for SECONDS plus the stream's start time (the
# first PTS, 1.4 s in ffmpeg's MPEG-TS) since it takes npt for its own
# timestamps; -seek_timestamp 1 makes it ask for SECONDS, the npt of the
# SDP range that starts at 0.  With -copyts the frames keep the PTS of the
# file, so the start time ffprobe gives the stream is subtracted.  ffmpeg
# drops the frames before SECONDS (among them those of the first PLAY,
# from 0, still arriving over UDP): a late start shows, an early one
# does not.
sub rtsp_seek_start {
    my ($t, $url, $tr, $seconds) = @_;
    my $p = $t->run_cmd(['ffprobe', '-v', 'error', _transport($tr),
        '-show_entries', 'format=start_time', '-of', 'default=nw=1:nk=1',
        $url], timeout => 30);
    my ($start) = $p->{out} =~ /(-?[\d.]+)/;
    return { first => {}, err => "no start time: $p->{err}", code => 1 }
        unless defined $start;

    my $r = $t->run_cmd(['ffmpeg', '-nostdin', '-v', 'error',
        '-seek_timestamp', '1', '-ss', $seconds,
        _transport($tr), '-i', $url, '-t', '1', '-copyts', '-f', 'framecrc',
        '-'], timeout => 60);
    my (%tb, %first);
    for my $line (split /\n/, $r->{out}) {
        if ($line =~ m{^#tb (\d+): (\d+)/(\d+)}) {
            $tb{$1} = $2 / $3;
            next;
        }
        next if $line =~ /^#/;
        my ($s, undef, $pts) = split /,\s*/, $line;
        next unless defined $pts && defined $tb{$s};
        $first{$s} //= $pts * $tb{$s} - $start;
    }
    return { first => \%first, start => $start, err => $r->{err},
        code => $r->{code} };
}

1;
