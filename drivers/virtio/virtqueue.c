// SPDX-License-Identifier: MIT
/*
 * Split virtqueues (virtio 1.x section 2.7): a descriptor table, the
 * available ring the driver fills and the used ring the device fills.
 * Free descriptors are chained through their next fields from free_head.
 * A request of several buffers takes one descriptor pointing at a
 * per-head indirect table when VIRTIO_F_INDIRECT_DESC was negotiated,
 * else a chain. With VIRTIO_F_RING_EVENT_IDX the driver notifies only
 * when the device's avail_event lies among the entries just added, and
 * asks for an interrupt by writing used_event.
 *
 * The used ring is device input: ids out of range, ids of descriptors
 * not in flight and lengths larger than what was offered are reported
 * and the queue is marked broken, never followed.
 */
#include <pith/errno.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/string.h>
#include <pith/virtio.h>

/* x86 keeps stores in order and loads in order; only a store followed
 * by a load of another location needs a fence. */
#define vq_wmb()	__asm__ __volatile__("" ::: "memory")
#define vq_rmb()	__asm__ __volatile__("" ::: "memory")
#define vq_mb()		__asm__ __volatile__("mfence" ::: "memory")

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t vq_ring_bytes(unsigned int num, size_t *avail_off,
			    size_t *used_off)
{
	*avail_off = 16 * num;
	*used_off = align_up(*avail_off + 6 + 2 * num, 64);
	return *used_off + 6 + 8 * num;
}

static int vq_alloc_arrays(struct virtqueue *vq, unsigned int num)
{
	vq->token = kzalloc(num * sizeof(void *), GFP_KERNEL);
	vq->in_len = kzalloc(num * sizeof(uint32_t), GFP_KERNEL);
	vq->chain = kzalloc(num * sizeof(uint16_t), GFP_KERNEL);
	if (vq->indirect)
		vq->indir = kzalloc(num * VIRTQUEUE_MAX_INDIRECT *
				    sizeof(struct vring_desc), GFP_KERNEL);
	if (!vq->token || !vq->in_len || !vq->chain ||
	    (vq->indirect && !vq->indir))
		return -ENOMEM;
	return 0;
}

struct virtqueue *vq_create(struct virtio_device *vdev, unsigned int index,
			    unsigned int num, bool event_idx, bool indirect)
{
	struct virtqueue *vq;
	size_t avail_off, used_off, bytes;

	if (!num || (num & (num - 1)) || num > 32768)
		return NULL;
	vq = kzalloc(sizeof(*vq), GFP_KERNEL);
	if (!vq)
		return NULL;
	*vq = (struct virtqueue){ .vdev = vdev, .index = index, .num = num,
				  .event_idx = event_idx,
				  .indirect = indirect, .num_free = num };
	bytes = vq_ring_bytes(num, &avail_off, &used_off);
	vq->mem_order = get_order(bytes);
	vq->mem = __get_free_pages(GFP_KERNEL | __GFP_ZERO, vq->mem_order);
	if (!vq->mem || vq_alloc_arrays(vq, num)) {
		vq_destroy(vq);
		return NULL;
	}
	vq->desc = (struct vring_desc *)vq->mem;
	vq->avail = (struct vring_avail *)(vq->mem + avail_off);
	vq->used = (struct vring_used *)(vq->mem + used_off);
	for (unsigned int i = 0; i < num - 1; i++)
		vq->desc[i].next = i + 1;
	return vq;
}

void vq_destroy(struct virtqueue *vq)
{
	if (!vq)
		return;
	free_pages(vq->mem, vq->mem_order);
	kfree(vq->token);
	kfree(vq->in_len);
	kfree(vq->chain);
	kfree(vq->indir);
	kfree(vq);
}

static void fill_desc(struct vring_desc *d, const struct vq_buf *b,
		      bool write)
{
	d->addr = (uintptr_t)b->addr;
	d->len = b->len;
	d->flags = write ? VRING_DESC_F_WRITE : 0;
}

/* Build the request in indirect table t; one ring descriptor. */
static void add_indirect(struct virtqueue *vq, uint16_t head,
			 struct vring_desc *t, const struct vq_buf *bufs,
			 unsigned int out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		fill_desc(&t[i], &bufs[i], i >= out);
		t[i].next = i + 1;
		if (i + 1 < n)
			t[i].flags |= VRING_DESC_F_NEXT;
	}
	vq->desc[head].addr = (uintptr_t)t;
	vq->desc[head].len = n * sizeof(*t);
	vq->desc[head].flags = VRING_DESC_F_INDIRECT;
	vq->free_head = vq->desc[head].next;
	vq->chain[head] = 1;
}

/* Build the request as a chain of ring descriptors from free_head. */
static void add_chain(struct virtqueue *vq, uint16_t head,
		      const struct vq_buf *bufs, unsigned int out,
		      unsigned int n)
{
	uint16_t i = head, last = head;

	for (unsigned int k = 0; k < n; k++) {
		fill_desc(&vq->desc[i], &bufs[k], k >= out);
		if (k + 1 < n)
			vq->desc[i].flags |= VRING_DESC_F_NEXT;
		last = i;
		i = vq->desc[i].next;
	}
	vq->free_head = vq->desc[last].next;
	vq->chain[head] = n;
}

/* Make head (built) visible to the device. */
static void vq_publish(struct virtqueue *vq, uint16_t head, void *token,
		       uint32_t in_len)
{
	vq->num_free -= vq->chain[head];
	vq->token[head] = token;
	vq->in_len[head] = in_len;
	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	vq_wmb();		/* descriptors before the index */
	vq->avail->idx = ++vq->avail_idx;
}

int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs,
		  unsigned int out, unsigned int in, void *token)
{
	unsigned int n = out + in;
	bool indirect = vq->indirect && n > 1 && n <= VIRTQUEUE_MAX_INDIRECT;
	uint16_t head;
	uint32_t in_len = 0;

	if (vq->broken)
		return -EIO;
	if (!n || !token || (!indirect && n > vq->num))
		return -EINVAL;
	if (vq->num_free < (indirect ? 1 : n))
		return -ENOSPC;
	for (unsigned int k = out; k < n; k++)
		in_len += bufs[k].len;
	head = vq->free_head;
	if (indirect)
		add_indirect(vq, head, &vq->indir[head * VIRTQUEUE_MAX_INDIRECT],
			     bufs, out, n);
	else
		add_chain(vq, head, bufs, out, n);
	vq_publish(vq, head, token, in_len);
	return 0;
}

int virtqueue_add_table(struct virtqueue *vq, struct vring_desc *table,
			const struct vq_buf *bufs, unsigned int out,
			unsigned int in, void *token)
{
	unsigned int n = out + in;
	uint32_t in_len = 0;
	uint16_t head;

	if (vq->broken)
		return -EIO;
	if (!vq->indirect || !table || n < 2 || n > 0xffff || !token)
		return -EINVAL;
	if (!vq->num_free)
		return -ENOSPC;
	for (unsigned int k = out; k < n; k++)
		in_len += bufs[k].len;
	head = vq->free_head;
	add_indirect(vq, head, table, bufs, out, n);
	vq_publish(vq, head, token, in_len);
	return 0;
}

bool virtqueue_kick_prepare(struct virtqueue *vq)
{
	uint16_t old = vq->kicked_idx, new_idx = vq->avail_idx;
	bool need;

	vq_mb();		/* publish avail->idx before reading flags */
	if (vq->event_idx)
		need = vring_need_event(*(volatile uint16_t *)
					vring_avail_event(vq), new_idx, old);
	else
		need = !(*(volatile uint16_t *)&vq->used->flags &
			 VRING_USED_F_NO_NOTIFY);
	vq->kicked_idx = new_idx;
	if (!need && new_idx != old)
		vq->kicks_saved++;
	return need && new_idx != old;
}

void virtqueue_notify(struct virtqueue *vq)
{
	vq->kicks++;
	vq->vdev->ops->notify(vq);
}

bool virtqueue_kick(struct virtqueue *vq)
{
	if (!virtqueue_kick_prepare(vq))
		return false;
	virtqueue_notify(vq);
	return true;
}

bool virtqueue_more_used(const struct virtqueue *vq)
{
	return *(volatile uint16_t *)&vq->used->idx != vq->last_used_idx;
}

static void *vq_bad(struct virtqueue *vq, const char *what, uint32_t v)
{
	vq->bad_used++;
	vq->broken = true;
	pr_err("virtio: %s queue %s: device returned %s %u; queue stopped\n",
	       vq->vdev ? vq->vdev->name : "-", vq->name ? vq->name : "?",
	       what, v);
	return NULL;
}

static void free_chain(struct virtqueue *vq, uint16_t head)
{
	uint16_t i = head;

	for (unsigned int k = 1; k < vq->chain[head]; k++)
		i = vq->desc[i].next;
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += vq->chain[head];
	vq->token[head] = NULL;
	vq->chain[head] = 0;
}

void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len)
{
	struct vring_used_elem e;
	void *token;

	if (vq->broken || !virtqueue_more_used(vq))
		return NULL;
	vq_rmb();		/* the index before the entry */
	e = vq->used->ring[vq->last_used_idx & (vq->num - 1)];
	if (e.id >= vq->num)
		return vq_bad(vq, "out-of-range id", e.id);
	if (!vq->token[e.id])
		return vq_bad(vq, "id not in flight", e.id);
	if (e.len > vq->in_len[e.id])
		return vq_bad(vq, "used length too large", e.len);
	vq->last_used_idx++;
	token = vq->token[e.id];
	free_chain(vq, e.id);
	if (len)
		*len = e.len;
	if (vq->event_idx && !vq->cb_disabled)	/* interrupt at the next */
		*vring_used_event(vq) = vq->last_used_idx;
	return token;
}

void virtqueue_disable_cb(struct virtqueue *vq)
{
	vq->cb_disabled = true;
	if (vq->event_idx)	/* flags must stay 0: park used_event behind */
		*vring_used_event(vq) = vq->last_used_idx - 1;
	else
		vq->avail->flags |= VRING_AVAIL_F_NO_INTERRUPT;
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	vq->cb_disabled = false;
	if (vq->event_idx)
		*vring_used_event(vq) = vq->last_used_idx;
	else
		vq->avail->flags &= ~VRING_AVAIL_F_NO_INTERRUPT;
	vq_mb();		/* publish before looking at used->idx */
	return !virtqueue_more_used(vq);
}

unsigned int virtqueue_num_free(const struct virtqueue *vq)
{
	return vq->num_free;
}
