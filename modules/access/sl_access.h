/* allow/deny: the IP rules of the access phase. */

#ifndef SL_ACCESS_H
#define SL_ACCESS_H

#include <sl_config.h>
#include <sl_core.h>
#include <sl_streaming.h>


typedef struct {
    sl_cidr_t        cidr;
    unsigned         deny:1;
    unsigned         all:1;
} sl_access_rule_t;

/* kept in every pp conf: streaming{}, server{} and publishing_point{} */
typedef struct {
    sl_array_t      *rules;     /* sl_access_rule_t in config order, NULL
                                   when the level has none of its own */
} sl_access_pp_conf_t;


/* the first rule of rules (may be NULL) that sa matches, or NULL */
const sl_access_rule_t *sl_access_find_rule(const sl_array_t *rules,
    const struct sockaddr *sa);
/* the access phase handler: 403 for a denied client, else SL_DECLINED */
sl_int_t sl_access_handler(sl_streaming_request_t *r);

extern sl_module_t  sl_access_module;

#endif /* SL_ACCESS_H */
