package Sluice::RTSP;

# A raw RTSP client for tests: one TCP connection kept open across requests,
# exact bytes sent, one full response read at a time (status line, headers up
# to the blank line, Content-Length body) with a timeout, parsed to a hash.
#
#   my $c = Sluice::RTSP->new(port => $p) or die;
#   my $r = $c->request('OPTIONS', "rtsp://127.0.0.1:$p/");
#   $r->{status} == 200; $r->{headers}{cseq} eq '1';
#
# A response hash: { version, status, reason, headers => { lowercase name =>
# value (repeated headers joined with ", ") }, header_list => [[name, value]],
# body, raw }.

use strict;
use warnings;

use Exporter qw/import/;
use IO::Select;
use IO::Socket::IP;
use POSIX ();
use Socket qw/IPPROTO_TCP TCP_NODELAY SOL_SOCKET SO_RCVBUF/;
use Time::HiRes qw/time/;

our @EXPORT_OK = qw/rtsp_options rtsp_request parse_response/;

# Options: host (default 127.0.0.1), port, local (source address to bind),
# timeout (default 5 s, for connect and for every read), ssl (a hash of
# IO::Socket::SSL options: RTSP over TLS), rcvbuf (SO_RCVBUF, bytes).
sub new {
    my ($class, %opts) = @_;
    my $host = $opts{host} // '127.0.0.1';
    my $timeout = $opts{timeout} // 5;

    my $s = IO::Socket::IP->new(
        PeerHost => $host,
        PeerPort => $opts{port},
        Proto => 'tcp',
        Timeout => $timeout,
        (defined $opts{local} ? (LocalHost => $opts{local}) : ()),
    );
    if (!$s) {
        $@ = "connect to [$host]:$opts{port}: $!";
        return undef;
    }
    $s->autoflush(1);
    setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
    setsockopt($s, SOL_SOCKET, SO_RCVBUF, $opts{rcvbuf}) if $opts{rcvbuf};

    if ($opts{ssl}) {
        require IO::Socket::SSL;
        if (!IO::Socket::SSL->start_SSL($s, Timeout => $timeout,
                                        %{$opts{ssl}})) {
            $@ = "TLS to [$host]:$opts{port}: "
                . IO::Socket::SSL::errstr();
            return undef;
        }
    }

    return bless {
        sock => $s,
        host => $host,
        port => $opts{port},
        timeout => $timeout,
        buf => '',
        cseq => 0,
        eof => 0,
        error => undef,
    }, $class;
}

sub sock { $_[0]->{sock} }
sub error { $_[0]->{error} }

# Local port of the connection (to find it in server logs).
sub local_port { $_[0]->{sock} ? $_[0]->{sock}->sockport : undef }
sub local_host { $_[0]->{sock} ? $_[0]->{sock}->sockhost : undef }

# Sends BYTES exactly as given; false on error.
sub send_raw {
    my ($self, $bytes) = @_;
    my $s = $self->{sock} or return 0;
    local $SIG{PIPE} = 'IGNORE';
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite($s, $bytes, length($bytes) - $off, $off);
        if (!defined $n) {
            next if $!{EINTR};
            $self->{error} = "write: $!";
            return 0;
        }
        $off += $n;
    }
    return 1;
}

# Builds a request: METHOD URL RTSP/1.0, CSeq (automatic unless given, or
# omitted with cseq => undef), HEADERS (array ref of [name, value] or hash
# ref), BODY (adds Content-Length).
sub build_request {
    my ($self, $method, $url, %opts) = @_;
    my $req = "$method $url RTSP/1.0\r\n";

    if (!exists $opts{cseq}) {
        $req .= 'CSeq: ' . ++$self->{cseq} . "\r\n";
    } elsif (defined $opts{cseq}) {
        $req .= "CSeq: $opts{cseq}\r\n";
    }

    my $h = $opts{headers} // [];
    $h = [map { [$_, $h->{$_}] } sort keys %$h] if ref $h eq 'HASH';
    $req .= "$_->[0]: $_->[1]\r\n" for @$h;

    my $body = $opts{body} // '';
    $req .= 'Content-Length: ' . length($body) . "\r\n" if length $body;
    return $req . "\r\n" . $body;
}

# Sends one request and reads its response (see build_request for options).
sub request {
    my ($self, $method, $url, %opts) = @_;
    $self->send_raw($self->build_request($method, $url, %opts)) or return undef;
    return $self->read_response(timeout => $opts{timeout});
}

sub options {
    my ($self, $url, %opts) = @_;
    $url //= "rtsp://$self->{host}:$self->{port}/";
    $url = "rtsp://[$self->{host}]:$self->{port}/" if !defined $_[1]
        && $self->{host} =~ /:/;
    return $self->request('OPTIONS', $url, %opts);
}

# Reads more bytes into the buffer; 1 on data, 0 on EOF, undef on timeout or
# error.
sub _fill {
    my ($self, $deadline) = @_;
    my $s = $self->{sock} or return 0;
    return 0 if $self->{eof};

    my $left = $deadline - time();
    if ($left <= 0) {
        $self->{error} = 'timeout';
        return undef;
    }
    my $sel = IO::Select->new($s);
    # TLS: a record already decrypted is not seen by select()
    my $pending = $s->can('pending') ? $s->pending : 0;
    if (!$pending && !$sel->can_read($left)) {
        $self->{error} = 'timeout';
        return undef;
    }
    my $n = sysread($s, $self->{buf}, 65536, length $self->{buf});
    if (!defined $n) {
        return $self->_fill($deadline) if $!{EINTR} || $!{EAGAIN};
        $self->{error} = "read: $!";
        $self->{eof} = 1;
        return 0;
    }
    if ($n == 0) {
        $self->{eof} = 1;
        $self->{error} = 'connection closed';
        return 0;
    }
    return 1;
}

# Reads one full response; undef on timeout, EOF or a malformed response
# (see ->error).
# Removes one interleaved frame from the buffer, counting its bytes per
# channel in {frames}{CHANNEL} and {bytes}{CHANNEL}; undef on timeout.
sub _take_frame {
    my ($self, $deadline) = @_;
    while (length($self->{buf}) < 4) {
        return undef unless $self->_fill($deadline);
    }
    my ($ch, $len) = unpack('x C n', $self->{buf});
    while (length($self->{buf}) < 4 + $len) {
        return undef unless $self->_fill($deadline);
    }
    my $data = substr($self->{buf}, 4, $len);
    substr($self->{buf}, 0, 4 + $len) = '';
    $self->{frames}{$ch}++;
    $self->{bytes}{$ch} += $len;
    # RTP sequence numbers per channel, when the caller asked for them
    push @{$self->{seq}{$ch}}, unpack('x2 n', $data)
        if $self->{keep_seq} && !($ch % 2) && $len >= 12;
    # and their timestamps and SSRCs, with the time each arrived
    push @{$self->{rtp}{$ch}}, [unpack('x4 N N', $data), time()]
        if $self->{keep_rtp} && !($ch % 2) && $len >= 12;
    push @{$self->{rtcp}}, $data if $ch % 2;
    push @{$self->{rtcp_at}}, time() if $ch % 2 && $self->{keep_rtp};
    return 1;
}

# Reads interleaved frames for SECONDS (or until the connection closes);
# returns the frame counts per channel.
sub read_frames {
    my ($self, $seconds) = @_;
    my $deadline = time() + $seconds;
    while (time() < $deadline) {
        if (length $self->{buf} && $self->{buf} !~ /^\$/) {
            last;       # a response: the caller reads it
        }
        last unless defined $self->_take_frame($deadline);
    }
    return $self->{frames} // {};
}

sub read_response {
    my ($self, %opts) = @_;
    my $deadline = time() + ($opts{timeout} // $self->{timeout});

    my $end;
    while (1) {
        $self->{buf} =~ s/^(?:\r?\n)+//;
        # interleaved RTP/RTCP frames ($ channel length data) are counted
        if ($self->{buf} =~ /^\$/) {
            return undef unless $self->_take_frame($deadline);
            next;
        }
        if ($self->{buf} =~ /\r?\n\r?\n/) {
            $end = $+[0];
            last;
        }
        return undef unless $self->_fill($deadline);
    }

    my $head = substr($self->{buf}, 0, $end);
    my $r = parse_response($head);
    if (!$r) {
        $self->{error} = "malformed response: $head";
        substr($self->{buf}, 0, $end) = '';
        return undef;
    }

    my $len = $r->{headers}{'content-length'} // 0;
    if ($len !~ /^\d+$/) {
        $self->{error} = "bad Content-Length: $len";
        return undef;
    }
    while (length($self->{buf}) < $end + $len) {
        return undef unless $self->_fill($deadline);
    }

    $r->{body} = substr($self->{buf}, $end, $len);
    $r->{raw} = substr($self->{buf}, 0, $end + $len);
    substr($self->{buf}, 0, $end + $len) = '';
    return $r;
}

# True if the server closes the connection within TIMEOUT seconds (data
# arriving before the close is discarded).
sub wait_close {
    my ($self, $timeout) = @_;
    my $deadline = time() + ($timeout // $self->{timeout});
    while (1) {
        my $r = $self->_fill($deadline);
        return 1 if defined $r && $r == 0;
        return 0 unless defined $r;
        $self->{buf} = '';
    }
}

sub is_eof { $_[0]->{eof} }

sub close {
    my ($self) = @_;
    CORE::close($self->{sock}) if $self->{sock};
    $self->{sock} = undef;
}

# Parses a response head (status line and headers) into a hash; undef if it
# is not an RTSP response.
sub parse_response {
    my ($head) = @_;
    my @lines = split /\r?\n/, $head;
    my $status = shift @lines // return undef;
    $status =~ m{^(RTSP/\d+\.\d+) (\d{3})(?: (.*))?$} or return undef;

    my %r = (version => $1, status => $2 + 0, reason => $3 // '',
             headers => {}, header_list => []);

    for my $l (@lines) {
        next if $l eq '';
        my ($name, $value) = $l =~ /^([^:\s]+):[ \t]*(.*?)[ \t]*$/
            or return undef;
        push @{$r{header_list}}, [$name, $value];
        my $k = lc $name;
        $r{headers}{$k} = exists $r{headers}{$k}
            ? "$r{headers}{$k}, $value" : $value;
    }
    return \%r;
}

# Starts a child that connects, sends OPTIONS and reads the answer every
# INTERVAL seconds (default 0.005) until ->stop; ->stop returns the counts
# { ok => answered 200, other => answered with another status, refused,
# failed => no complete answer, last => last error, line => all as text }.
# Options as for new(), plus interval and file (where the child writes the
# counts; required).
sub client_loop {
    my (%opts) = @_;
    my $file = $opts{file} or die 'client_loop needs file';
    my $interval = $opts{interval} // 0.005;

    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        my %n = (ok => 0, other => 0, refused => 0, failed => 0);
        my ($stop, $last) = (0, '');
        $SIG{TERM} = sub { $stop = 1 };
        while (!$stop) {
            # a slow answer on a loaded machine is not a dropped one
            my $c = Sluice::RTSP->new(timeout => 10, %opts);
            if (!$c) {
                $!{ECONNREFUSED} ? $n{refused}++ : $n{failed}++;
                $last = $@;
            } else {
                my $r = $c->options();
                if ($r) {
                    $r->{status} == 200 ? $n{ok}++ : $n{other}++;
                } else {
                    $n{failed}++;
                    $last = $c->error();
                }
                $c->close();
            }
            select undef, undef, undef, $interval;
        }
        $last =~ s/\s+/ /g;
        if (open my $fh, '>', $file) {
            print $fh "ok=$n{ok} other=$n{other} refused=$n{refused}"
                . " failed=$n{failed}"
                . " last=$last\n";
            CORE::close($fh);
        }
        POSIX::_exit(0);
    }

    return bless { pid => $pid, file => $file }, 'Sluice::RTSP::Loop';
}

package Sluice::RTSP::Loop;

sub stop {
    my ($self) = @_;
    kill 'TERM', $self->{pid};
    waitpid($self->{pid}, 0);
    open my $fh, '<', $self->{file} or return { error => "no counts: $!" };
    my $line = <$fh> // '';
    CORE::close($fh);
    my %n = $line =~ /(ok|other|refused|failed)=(\d+)/g;
    ($n{last}) = $line =~ /last=(.*)$/;
    $n{line} = $line;
    return \%n;
}

package Sluice::RTSP;

# One-shot OPTIONS on a new connection; the response hash or undef.
# Options as for new(), plus url and cseq.
sub rtsp_options {
    my (%opts) = @_;
    my $c = Sluice::RTSP->new(%opts) or return undef;
    my $host = $c->{host} =~ /:/ ? "[$c->{host}]" : $c->{host};
    my $url = $opts{url} // "rtsp://$host:$opts{port}/";
    $url = "rtsp://$host:$opts{port}$url" if $url =~ m{^/};
    my $r = $c->request('OPTIONS', $url,
                        exists $opts{cseq} ? (cseq => $opts{cseq}) : ());
    $c->close();
    return $r;
}

# One-shot request: rtsp_request(port => P, method => M, url => U, ...).
sub rtsp_request {
    my (%opts) = @_;
    my $c = Sluice::RTSP->new(%opts) or return undef;
    my $r = $c->request($opts{method}, $opts{url}, %opts);
    $c->close();
    return $r;
}

1;
