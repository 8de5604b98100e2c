package Sluice::HTTP;

# A raw HTTP client for tests: requests whose bytes the test chooses, a
# listener that reads a live stream and its ICY metadata blocks, and a
# pusher that sends a body at a chosen pace.

use strict;
use warnings;

use Exporter qw/import/;
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw/time sleep/;

our @EXPORT_OK = qw/http_connect http_head http_request http_listen
    http_push/;

sub http_connect {
    my ($port, $host) = @_;
    return IO::Socket::INET->new(PeerAddr => $host // '127.0.0.1',
        PeerPort => $port, Proto => 'tcp', Timeout => 5);
}

# Reads until the end of a response head (or TIMEOUT); returns
# { status, headers => { lower-case name => value }, head, rest }.
sub http_head {
    my ($s, $timeout) = @_;
    my $buf = '';
    my $deadline = time() + ($timeout // 5);
    my $sel = IO::Select->new($s);
    while ($buf !~ /\r\n\r\n/) {
        my $left = $deadline - time();
        last if $left <= 0 || !$sel->can_read($left);
        my $n = sysread($s, $buf, 65536, length $buf);
        last unless $n;
    }
    my ($head, $rest) = split /\r\n\r\n/, $buf, 2;
    return { status => 0, headers => {}, head => $buf, rest => '' }
        unless defined $rest;
    my ($line, @h) = split /\r\n/, $head;
    my ($status) = $line =~ m{^(?:HTTP/1\.[01]|ICY) (\d{3})};
    my %h = map { /^([^:]+):\s*(.*)$/ ? (lc $1 => $2) : () } @h;
    return { status => $status // 0, headers => \%h, head => $head,
        rest => $rest };
}

# Sends RAW (the request bytes) and reads the response head, then the body
# until close or TIMEOUT; returns the head hash with body.
sub http_request {
    my ($port, $raw, $timeout) = @_;
    my $s = http_connect($port) or return { status => 0, body => '' };
    print $s $raw;
    my $r = http_head($s, $timeout);
    my $body = $r->{rest};
    my $sel = IO::Select->new($s);
    my $deadline = time() + ($timeout // 5);
    while (1) {
        my $left = $deadline - time();
        last if $left <= 0 || !$sel->can_read($left);
        my $n = sysread($s, $body, 65536, length $body);
        last unless $n;
    }
    $r->{body} = $body;
    close $s;
    return $r;
}

# Listens to PATH for SECONDS (or until BYTES audio bytes): with icy => 1
# asks for metadata and splits the stream.  Returns { status, headers,
# audio (the stream bytes without metadata), titles => [..], eof (the
# server closed), first_byte (seconds from the request to the first
# stream byte) }.
sub http_listen {
    my ($port, $path, %o) = @_;
    my $s = http_connect($port) or return { status => 0 };
    my $t0 = time();
    print $s "GET $path HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sluice-test\r\n"
        . ($o{icy} ? "Icy-MetaData: 1\r\n" : '') . "\r\n";
    my $r = http_head($s, 5);
    return $r unless $r->{status} == 200;

    my $metaint = $r->{headers}{'icy-metaint'};
    my $data = $r->{rest};
    my $deadline = time() + ($o{seconds} // 3);
    my $sel = IO::Select->new($s);
    my ($eof, $first) = (0, length $data ? time() - $t0 : undef);
    while (time() < $deadline) {
        last if $o{bytes} && length $data >= $o{bytes};
        next unless $sel->can_read($deadline - time());
        my $n = sysread($s, $data, 65536, length $data);
        if (!$n) { $eof = 1; last; }
        $first //= time() - $t0;
    }
    close $s;

    my ($audio, @titles) = ('');
    if ($metaint) {
        my $p = 0;
        while ($p < length $data) {
            my $take = $metaint;
            $take = length($data) - $p if $p + $take > length $data;
            $audio .= substr($data, $p, $take);
            $p += $take;
            last if $p >= length $data;
            my $l = ord(substr($data, $p, 1)) * 16;
            my $m = substr($data, $p + 1, $l);
            push @titles, $1 if $m =~ /StreamTitle='(.*?)';/;
            $p += 1 + $l;
        }
    } else {
        $audio = $data;
    }
    $r->{audio} = $audio;
    $r->{titles} = \@titles;
    $r->{eof} = $eof;
    $r->{first_byte} = $first;
    return $r;
}

# Pushes BODY to PATH with METHOD (PUT) and HEADERS, RATE bytes per second
# (default: all at once), waiting for "100 Continue" first when headers
# ask for it.  Returns { status (of the final response, 0 if none),
# continue (1 if a 100 came), head }.
sub http_push {
    my ($port, $path, $body, %o) = @_;
    my $s = http_connect($port) or return { status => 0 };
    my $method = $o{method} // 'PUT';
    my $h = $o{headers} // "Content-Type: audio/mpeg\r\n";
    $h .= "Content-Length: " . length($body) . "\r\n"
        unless $h =~ /content-length|transfer-encoding/i || $o{no_length};
    print $s "$method $path HTTP/1.1\r\nHost: 127.0.0.1\r\n$h\r\n";

    my $cont = 0;
    if ($h =~ /Expect: 100-continue/i) {
        my $r = http_head($s, 5);
        return $r unless $r->{status} == 100;
        $cont = 1;
    }

    my $rate = $o{rate};
    my $chunk = $rate ? int($rate / 20) || 1 : length $body;
    for (my $p = 0; $p < length $body; $p += $chunk) {
        local $SIG{PIPE} = 'IGNORE';
        last unless defined syswrite($s, substr($body, $p, $chunk));
        sleep 0.05 if $rate;
    }
    shutdown($s, 1) if $o{no_length};
    my $r = http_head($s, $o{timeout} // 5);
    $r->{continue} = $cont;
    close $s;
    return $r;
}

1;
