/*
 * Unit tests for live streams: one writer at a time (busy, takeover, a
 * dead writer replaced), the description, title and resume note through
 * the shared header, the source timeout, and the feed: subscribers
 * sharing a sink's bytes, starting at a join point (with the burst),
 * waiting for one, skipping ahead when slow, dropped after their send
 * timeout, ended when the source is gone.  The feed's ticks run from the
 * timer heap with a hand-moved clock.
 */

#include <sl_config.h>
#include <sl_core.h>
#include <sl_live.h>
#include "../sl_unit.h"


typedef struct {
    sl_live_sub_t   sub;
    u_char          first;           /* the first byte received */
    u_char          last[1000];      /* the last 1000 bytes */
    size_t          len;
    sl_int_t        block;           /* send() says SL_AGAIN */
    sl_int_t        ended;           /* the end reason, 0 none */
} t_sub_t;


static sl_live_t *
t_live(size_t size, size_t max_unit)
{
    sl_str_t         name, server;
    sl_conf_t        cf;
    sl_live_t       *lv;
    sl_cycle_t      *cycle, *old;
    sl_conf_file_t   cfile;

    old = sl_pcalloc(sl_unit_pool(), sizeof(sl_cycle_t));
    CU_ASSERT_PTR_NOT_NULL_FATAL(old);
    CU_ASSERT_FATAL(sl_array_init(&old->shm_zones, sl_unit_pool(), 1,
                                  sizeof(sl_shm_zone_t *)) == SL_OK);

    cycle = sl_pcalloc(sl_unit_pool(), sizeof(sl_cycle_t));
    CU_ASSERT_PTR_NOT_NULL_FATAL(cycle);
    CU_ASSERT_FATAL(sl_array_init(&cycle->shm_zones, sl_unit_pool(), 1,
                                  sizeof(sl_shm_zone_t *)) == SL_OK);
    cycle->log = sl_unit_log();

    sl_memzero(&cf, sizeof(sl_conf_t));
    sl_memzero(&cfile, sizeof(sl_conf_file_t));
    sl_str_set(&cfile.file.name, "/etc/sluice/sluice.conf");
    cfile.line = 3;
    cf.cycle = cycle;
    cf.pool = sl_unit_pool();
    cf.log = sl_unit_log();
    cf.conf_file = &cfile;

    sl_str_set(&name, "/live");
    sl_str_set(&server, "127.0.0.1:8554");

    lv = sl_live_create(&cf, &server, &name, size, max_unit);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lv);
    CU_ASSERT_FATAL(sl_shm_zones_init(cycle, old) == SL_OK);

    lv->source_timeout = 3000;

    sl_cycle = cycle;

    return lv;
}


static sl_int_t
t_send(sl_live_sub_t *sub)
{
    size_t        n, k;
    t_sub_t      *ts;
    sl_uint_t     niov, i;
    struct iovec  iov[2];

    ts = sub->data;

    if (ts->block) {
        return SL_AGAIN;
    }

    niov = sl_live_sub_iov(sub, iov, 2, SIZE_MAX);
    n = 0;

    for (i = 0; i < niov; i++) {
        u_char  *p = iov[i].iov_base;

        for (k = 0; k < iov[i].iov_len; k++) {
            if (ts->len == 0) {
                ts->first = p[k];
            }

            ts->last[ts->len % sizeof(ts->last)] = p[k];
            ts->len++;
        }

        n += iov[i].iov_len;
    }

    sl_live_sub_advance(sub, n);

    return SL_OK;
}


static void
t_end(sl_live_sub_t *sub, sl_live_end_e why)
{
    t_sub_t  *ts;

    ts = sub->data;
    ts->ended = why;
    sl_live_unsubscribe(sub);
}


static void
t_sub_init(t_sub_t *ts)
{
    sl_memzero(ts, sizeof(t_sub_t));
    ts->sub.send = t_send;
    ts->sub.end = t_end;
    ts->sub.data = ts;
    ts->sub.send_timeout = 1000;
}


/* time passes by ms, in ticks; every due timer runs */
static void
t_run(sl_msec_t ms)
{
    sl_msec_t  end;

    end = sl_current_msec + ms;

    while (sl_current_msec < end) {
        sl_current_msec += SL_LIVE_TICK;
        sl_event_expire_timers();
    }
}


static void
t_unit(sl_live_writer_t *w, sl_uint_t n, size_t len, sl_uint_t key)
{
    u_char           buf[4096];
    sl_media_unit_t  mu;

    memset(buf, (int) (n & 0xff), len);
    buf[0] = (u_char) n;

    sl_memzero(&mu, sizeof(sl_media_unit_t));
    mu.dts = (int64_t) n * 1152;
    mu.pts = mu.dts;
    mu.keyframe = key;
    mu.data = buf;
    mu.len = len;

    CU_ASSERT_EQUAL(sl_live_write(w, &mu), SL_OK);
}


static sl_media_track_t  t_mp3 = {
    .codec = SL_CODEC_MPA, .timescale = 44100, .sample_rate = 44100,
    .channels = 2, .duration = -1
};


static void
test_writers(void)
{
    u_char             cfg[3] = { 1, 2, 3 };
    u_char             title[SL_LIVE_TITLE_MAX];
    size_t             n;
    uint64_t           v1, v2;
    sl_str_t           t;
    sl_live_t         *lv;
    sl_live_desc_t     desc;
    sl_media_track_t   tr;
    sl_live_writer_t   a, b, c;

    lv = t_live(1024 * 1024, 64 * 1024);
    sl_current_msec = 100000;

    CU_ASSERT_EQUAL(sl_live_state(lv), SL_LIVE_OFF);
    CU_ASSERT_EQUAL(sl_live_describe(lv, &desc), SL_DECLINED);

    CU_ASSERT_EQUAL(sl_live_publish(lv, &a, 0, sl_unit_log()), SL_OK);
    CU_ASSERT_EQUAL(sl_live_state(lv), SL_LIVE_ON);

    /* a second one is refused, takeover passes */
    CU_ASSERT_EQUAL(sl_live_publish(lv, &b, 0, sl_unit_log()), SL_BUSY);
    CU_ASSERT_EQUAL(sl_live_publish(lv, &b, 1, sl_unit_log()), SL_OK);

    tr = t_mp3;
    tr.config = cfg;
    tr.config_len = sizeof(cfg);

    CU_ASSERT_EQUAL(sl_live_set_tracks(&b, &tr, 1, "mp3"), SL_OK);
    t_unit(&b, 1, 100, 1);

    /* the one taken over learns it at its next unit */
    {
        u_char           x[4] = { 0 };
        sl_media_unit_t  mu;

        sl_memzero(&mu, sizeof(mu));
        mu.data = x;
        mu.len = sizeof(x);
        CU_ASSERT_EQUAL(sl_live_write(&a, &mu), SL_ABORT);
    }

    /* its leaving does not free the point: it is not the writer */
    sl_live_unpublish(&a);
    CU_ASSERT_EQUAL(sl_live_state(lv), SL_LIVE_ON);

    CU_ASSERT_EQUAL(sl_live_describe(lv, &desc), SL_OK);
    CU_ASSERT_EQUAL(desc.ntracks, 1);
    CU_ASSERT_STRING_EQUAL((char *) desc.format, "mp3");
    CU_ASSERT_EQUAL(desc.tracks[0].codec, SL_CODEC_MPA);
    CU_ASSERT_EQUAL(desc.tracks[0].sample_rate, 44100);
    CU_ASSERT_EQUAL(desc.tracks[0].config_len, 3);
    CU_ASSERT(memcmp(desc.tracks[0].config, cfg, 3) == 0);

    n = sl_live_title(lv, title, &v1);
    CU_ASSERT_EQUAL(n, 0);
    sl_str_set(&t, "Band - Song");
    sl_live_set_title(&b, &t);
    n = sl_live_title(lv, title, &v2);
    CU_ASSERT_EQUAL(n, 11);
    CU_ASSERT(memcmp(title, "Band - Song", 11) == 0);
    CU_ASSERT_NOT_EQUAL(v1, v2);

    /* a unit larger than the ring takes is refused */
    {
        static u_char    big[64 * 1024 + 1];
        sl_media_unit_t  mu;

        sl_memzero(&mu, sizeof(mu));
        mu.data = big;
        mu.len = sizeof(big);
        CU_ASSERT_EQUAL(sl_live_write(&b, &mu), SL_DECLINED);
    }

    /* a note for the next writer: only the writer's counts */
    sl_live_set_resume(&a, "not the writer", 14);
    sl_live_set_resume(&b, "first", 5);
    sl_live_set_resume(&b, "where b stood", 13);

    /* the source leaves: waiting for source_timeout, then off */
    sl_live_unpublish(&b);
    CU_ASSERT_EQUAL(sl_live_state(lv), SL_LIVE_WAITING);

    /* a writer that is not one takes nothing; the next one takes the
       note once */
    {
        u_char  note[SL_LIVE_RESUME_MAX];

        CU_ASSERT_EQUAL(sl_live_take_resume(&b, note, sizeof(note)), 0);
        CU_ASSERT_EQUAL(sl_live_publish(lv, &c, 0, sl_unit_log()), SL_OK);
        CU_ASSERT_EQUAL(sl_live_take_resume(&c, note, sizeof(note)), 13);
        CU_ASSERT(memcmp(note, "where b stood", 13) == 0);
        CU_ASSERT_EQUAL(sl_live_take_resume(&c, note, sizeof(note)), 0);

        /* too long for the zone, or for the taker's buffer */
        sl_memzero(note, sizeof(note));
        sl_live_set_resume(&c, note, SL_LIVE_RESUME_MAX + 1);
        CU_ASSERT_EQUAL(sl_live_take_resume(&c, note, sizeof(note)), 0);
        sl_live_set_resume(&c, "twelve bytes", 12);
        CU_ASSERT_EQUAL(sl_live_take_resume(&c, note, 11), 0);
    }

    sl_live_unpublish(&c);
    sl_current_msec += 3001;
    CU_ASSERT_EQUAL(sl_live_state(lv), SL_LIVE_OFF);

    /* a writer silent for long (its process may be stuck) is replaced */
    CU_ASSERT_EQUAL(sl_live_publish(lv, &a, 0, sl_unit_log()), SL_OK);
    sl_current_msec += 31000;
    CU_ASSERT_EQUAL(sl_live_publish(lv, &b, 0, sl_unit_log()), SL_OK);
    sl_live_unpublish(&b);
}


static void
test_feed(void)
{
    size_t             burst;
    sl_uint_t          i;
    sl_live_t         *lv;
    sl_live_writer_t   w;
    static t_sub_t     s1, s2, s3;

    CU_ASSERT_FATAL(sl_event_timer_init(sl_unit_log()) == SL_OK);

    lv = t_live(1024 * 1024, 64 * 1024);
    sl_current_msec = 500000;

    t_sub_init(&s1);
    CU_ASSERT_EQUAL(sl_live_subscribe(lv, &s1.sub, &sl_live_raw_sink, 0,
                                      sl_unit_log()), SL_DECLINED);

    CU_ASSERT_EQUAL(sl_live_publish(lv, &w, 0, sl_unit_log()), SL_OK);
    CU_ASSERT_EQUAL(sl_live_set_tracks(&w, &t_mp3, 1, "mp3"), SL_OK);

    /* 40 frames of 1000 bytes before anybody listens */
    for (i = 0; i < 40; i++) {
        t_unit(&w, i, 1000, 1);
    }

    /*
     * The first listener: audio, so the new sink starts with the ring's
     * last units and the listener gets the burst: 32 frames of 1000
     * bytes (32 KB at most, on a frame), 8..39, then the new ones.
     */
    CU_ASSERT_EQUAL(sl_live_subscribe(lv, &s1.sub, &sl_live_raw_sink, 0,
                                      sl_unit_log()), SL_OK);
    CU_ASSERT(!s1.sub.waiting);

    for (i = 40; i < 80; i++) {
        t_unit(&w, i, 1000, 1);
    }

    t_run(400);

    CU_ASSERT(s1.len > 40 * 1000 && s1.len <= 72 * 1000);
    CU_ASSERT_EQUAL(s1.len % 1000, 0);
    CU_ASSERT_EQUAL(s1.first, 80 - s1.len / 1000);
    CU_ASSERT_EQUAL(s1.last[0], 79);
    burst = s1.len - 40 * 1000;
    CU_ASSERT_EQUAL(sl_live_listeners(lv), 1);

    /* a second listener starts up to the burst (32 KB) back, on a frame */
    t_sub_init(&s2);
    CU_ASSERT_EQUAL(sl_live_subscribe(lv, &s2.sub, &sl_live_raw_sink, 0,
                                      sl_unit_log()), SL_OK);
    CU_ASSERT(!s2.sub.waiting);
    CU_ASSERT(sl_live_sub_pending(&s2.sub) <= 32 * 1024);
    CU_ASSERT(sl_live_sub_pending(&s2.sub) >= 16 * 1024);
    CU_ASSERT_EQUAL(sl_live_sub_pending(&s2.sub) % 1000, 0);

    /* one that stops reading falls behind the log and skips ahead */
    t_sub_init(&s3);
    CU_ASSERT_EQUAL(sl_live_subscribe(lv, &s3.sub, &sl_live_raw_sink, 0,
                                      sl_unit_log()), SL_OK);
    s3.sub.send_timeout = 100000;
    s3.block = 1;

    for (i = 80; i < 80 + 1200; i++) {
        t_unit(&w, i, 1000, 1);

        if (i % 50 == 0) {
            t_run(20);
        }
    }

    t_run(400);

    CU_ASSERT_EQUAL(s1.len, 1240 * 1000 + burst);
    CU_ASSERT_EQUAL(s1.last[0], (u_char) 1279);
    CU_ASSERT(s2.len > 1200 * 1000);

    s3.block = 0;
    t_run(400);
    CU_ASSERT(s3.sub.skipped > 0);
    CU_ASSERT(s3.len > 0 && s3.len < 1200 * 1000);
    CU_ASSERT_EQUAL(s3.ended, 0);

    /* stalled past its send timeout: ended */
    s3.block = 1;
    s3.sub.send_timeout = 500;
    t_unit(&w, 2000, 1000, 1);
    t_run(1000);
    CU_ASSERT_EQUAL(s3.ended, SL_LIVE_END_SLOW);
    CU_ASSERT_EQUAL(sl_live_listeners(lv), 2);

    /* the source leaves and comes back within source_timeout: kept */
    sl_live_unpublish(&w);
    t_run(1000);
    CU_ASSERT_EQUAL(s1.ended, 0);

    CU_ASSERT_EQUAL(sl_live_publish(lv, &w, 0, sl_unit_log()), SL_OK);
    CU_ASSERT_EQUAL(sl_live_set_tracks(&w, &t_mp3, 1, "mp3"), SL_OK);
    s1.len = 0;
    t_unit(&w, 3000, 1000, 1);
    t_run(400);
    CU_ASSERT_EQUAL(s1.len, 1000);
    CU_ASSERT_EQUAL(s1.first, (u_char) 3000);

    /* and for good: everybody is ended after source_timeout */
    sl_live_unpublish(&w);
    t_run(2000);
    CU_ASSERT_EQUAL(s1.ended, 0);
    t_run(1500);
    CU_ASSERT_EQUAL(s1.ended, SL_LIVE_END_SOURCE);
    CU_ASSERT_EQUAL(s2.ended, SL_LIVE_END_SOURCE);
    CU_ASSERT_EQUAL(sl_live_listeners(lv), 0);

    /* the empty feed goes after a while, its memory with it */
    t_run(6000);
    CU_ASSERT_PTR_NULL(lv->feed);
}


SL_UNIT_SUITE(sl_live,
    { "one writer: busy, takeover, description, title, timeout",
      test_writers },
    { "feed: shared sink, join, burst, skip, drop, source gone",
      test_feed })
