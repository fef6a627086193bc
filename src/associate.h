/*
 * associate.h - making the documents of one run into one setup
 * (formats.md, "Which exports belong together"): attachment lists find
 * their roles, duplicate role records merge, DTS instances find their
 * tasks.  What cannot be associated is kept aside and reported as a
 * note, never guessed.
 *
 * Ownership: everything stays in the setup's arena.
 */
#ifndef DP_ASSOCIATE_H
#define DP_ASSOCIATE_H

#include "model.h"

/* Associates everything the adapters left pending in setup; call once
 * after every document was adapted, before dp_setup_classify().
 * 0 or -ENOMEM. */
int dp_associate(struct dp_setup *setup);

/* Adds the attachments of list to role (marking them exported) and
 * takes list out of setup->orphans.  0 or -ENOMEM. */
int dp_associate_attach(struct dp_setup *setup, struct dp_role *role,
			struct dp_attachment_list *list);

/* Merges what instance says (two-way architecture, engines and regions
 * the task lacks) into task and takes instance out of setup->tasks. */
int dp_associate_instance(struct dp_setup *setup, struct dp_task *task,
			  struct dp_task *instance);

/* As dp_associate_attach() and dp_associate_instance(), but list and
 * instance stay in setup->orphans and setup->tasks, marked, until
 * dp_associate_prune(): an adapter that links many of them prunes once,
 * rather than shifting the arrays for each (n^2 in a plan of 10,000
 * roles).  0 or -ENOMEM. */
int dp_associate_attach_later(struct dp_setup *setup, struct dp_role *role,
			      struct dp_attachment_list *list);
int dp_associate_instance_later(struct dp_setup *setup, struct dp_task *task,
				struct dp_task *instance);

/* Takes the marked lists and instances out of setup->orphans and
 * setup->tasks in one pass, keeping the order of the others; also done
 * first thing by dp_associate(). */
void dp_associate_prune(struct dp_setup *setup);

/* Whether two sources lie in the same directory (by their paths). */
bool dp_associate_same_dir(const struct dp_source *a,
			   const struct dp_source *b);

#endif /* DP_ASSOCIATE_H */
