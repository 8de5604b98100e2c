#!/usr/bin/python3
# The peer of scripts/bench: gst-rtsp-server serving one MPEG-TS file from a
# shared media factory (one pipeline for every client), on 127.0.0.1.
#
#   gst_rtsp_peer.py FILE PORT MOUNT
#
# Prints "ready" once it listens; stops on SIGTERM or SIGINT.

import signal
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    path, port, mount = sys.argv[1], sys.argv[2], sys.argv[3]

    Gst.init(None)

    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(port)
    server.set_backlog(4096)

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch('( filesrc location="%s" ! tsparse set-timestamps=true'
                       ' ! rtpmp2tpay name=pay0 pt=33 )' % path)
    factory.set_shared(True)
    server.get_mount_points().add_factory(mount, factory)

    if server.attach(None) == 0:
        sys.exit('gst_rtsp_peer: cannot listen on 127.0.0.1:%s' % port)

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)

    print('ready', flush=True)
    loop.run()


main()
