/* The mp3 reader (to be written). */

#include <sl_config.h>
#include <sl_core.h>


static const char  *sl_format_mp3_extensions[] = { NULL };


static sl_uint_t
sl_format_mp3_probe(const u_char *head sl_unused, size_t len sl_unused)
{
    return 0;
}


static sl_int_t
sl_format_mp3_open(sl_media_file_t *mf)
{
    mf->error = "not supported yet";
    return SL_ERROR;
}


static const sl_format_t  sl_format_mp3 = {
    .name = "mp3",
    .extensions = sl_format_mp3_extensions,
    .probe = sl_format_mp3_probe,
    .open = sl_format_mp3_open,
};


static sl_media_module_t  sl_format_mp3_module_ctx = {
    .format = &sl_format_mp3,
};


sl_module_t  sl_format_mp3_module = {
    .type = SL_MEDIA_MODULE,
    .ctx  = &sl_format_mp3_module_ctx,
};
