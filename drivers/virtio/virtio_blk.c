// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio 1.x section 5.2): one request queue per disk; each
 * disk becomes a lib/blk device (vblk0, vblk1, ... in probe order, with
 * the serial number when the device answers GET_ID).
 *
 * Requests: a table of slots, one per request in flight, each holding
 * the request header and the status byte the device writes (kmalloc'd,
 * so the device can reach them by physical address). A request is the
 * header (device-readable), the data in at most max_segs segments of at
 * most size_max bytes (the pieces of a lib/blk request: one buffer, or
 * one per cached block for merged requests), and the status
 * (device-writable). With indirect descriptors each slot has its own
 * table of 2 + max_segs entries (max_segs up to VBLK_MAX_SEGS, as the
 * device's seg_max allows), so a request takes one ring entry whatever
 * its size; without, a chain of ring entries and at most
 * VBLK_CHAIN_SEGS segments. When every slot is busy the
 * request waits on a pending list and starts when a slot frees, so
 * submit() never sleeps and never fails for want of room.
 *
 * Completion: the queue interrupt reaps the used ring, turns the status
 * byte into 0 / -EIO / -EOPNOTSUPP and calls blk_complete() (interrupt
 * context), then starts pending requests.
 *
 * Features: RO (the device refuses writes: the blk device is read-only),
 * BLK_SIZE (logical block size), FLUSH (a write cache that FLUSH drains;
 * without it, flush completes at once), SIZE_MAX and SEG_MAX.
 *
 * Interface: none; the driver registers itself at the subsys level and
 * binds to every virtio block device a transport finds.
 * Lock legend: [L] vb->lock (irqsave: the interrupt takes it too).
 */
#include <pith/blk.h>
#include <pith/errno.h>
#include <pith/init.h>
#include <pith/mm.h>
#include <pith/printk.h>
#include <pith/spinlock.h>
#include <pith/string.h>
#include <pith/virtio.h>

#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define VBLK_CFG_CAPACITY	0
#define VBLK_CFG_SIZE_MAX	8
#define VBLK_CFG_SEG_MAX	12
#define VBLK_CFG_BLK_SIZE	20

#define VBLK_MAX_SLOTS		64
#define VBLK_MAX_SEGS		64	/* with our own indirect tables */
#define VBLK_CHAIN_SEGS		(VIRTQUEUE_MAX_INDIRECT - 2)
#define VBLK_ID_LEN		20
#define VBLK_STATUS_NONE	0xff

struct virtio_blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct vblk_slot {
	struct virtio_blk_hdr hdr;
	uint8_t status;
	struct blk_req *req;		/* [L] NULL: free */
};

struct vblk {
	struct virtio_device *vdev;
	struct virtqueue *vq;
	struct blkdev bd;
	spinlock_t lock;
	struct vblk_slot *slots;	/* [L] */
	struct vring_desc *tables;	/* [L] 2 + max_segs per slot */
	struct vq_buf *bufs;		/* [L] scratch, 2 + max_segs */
	unsigned int nr_slots, busy;	/* [L] */
	struct list_head pending;	/* [L] requests waiting for a slot */
	uint32_t size_max;		/* bytes per data segment */
	unsigned int max_segs;
	unsigned long inflight_max;	/* [L] high-water mark */
};

static uint32_t vblk_type(enum blk_op op)
{
	if (op == BLK_OP_READ)
		return VIRTIO_BLK_T_IN;
	return op == BLK_OP_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH;
}

/* Put len bytes at p into b[*n...], pieces of at most size_max. */
static int vblk_map_piece(struct vblk *vb, char *p, size_t len,
			  struct vq_buf *b, int *n)
{
	while (len) {
		uint32_t seg = len > vb->size_max ? vb->size_max : (uint32_t)len;

		if (*n == (int)vb->max_segs)
			return -EINVAL;
		b[(*n)++] = (struct vq_buf){ p, seg };
		p += seg;
		len -= seg;
	}
	return 0;
}

/* Split the data of req into ring buffers after the header; count or
 * -EINVAL when it needs more segments than we may use. */
static int vblk_map_data(struct vblk *vb, struct blk_req *req,
			 struct vq_buf *b)
{
	int n = 0, err;

	if (!req->nr_segs)
		err = vblk_map_piece(vb, req->buf,
				     (size_t)req->nr_sectors << BLK_SECTOR_SHIFT,
				     b, &n);
	else
		for (unsigned int i = err = 0; i < req->nr_segs && !err; i++)
			err = vblk_map_piece(vb, req->segs[i].buf,
					     req->segs[i].len, b, &n);
	return err ? err : n;
}

/* Post req in slot s. [L] held. 0 or -errno (slot left free). */
static int vblk_start(struct vblk *vb, struct vblk_slot *s,
		      struct blk_req *req)
{
	struct vq_buf *b = vb->bufs;
	bool write = req->op == BLK_OP_WRITE;
	unsigned int out, in;
	int nd = 0, err;

	s->hdr = (struct virtio_blk_hdr){ vblk_type(req->op), 0, req->lba };
	s->status = VBLK_STATUS_NONE;
	b[0] = (struct vq_buf){ &s->hdr, sizeof(s->hdr) };
	if (req->op != BLK_OP_FLUSH) {
		nd = vblk_map_data(vb, req, b + 1);
		if (nd < 0)
			return nd;
	}
	b[1 + nd] = (struct vq_buf){ &s->status, 1 };
	out = write ? 1 + nd : 1;
	in = write ? 1 : 1 + nd;
	if (vb->tables)
		err = virtqueue_add_table(vb->vq, vb->tables +
					  (s - vb->slots) * (2 + vb->max_segs),
					  b, out, in, s);
	else
		err = virtqueue_add(vb->vq, b, out, in, s);
	if (err)
		return err;
	s->req = req;
	vb->busy++;
	if (vb->busy > vb->inflight_max)
		vb->inflight_max = vb->busy;
	return 0;
}

static struct vblk_slot *vblk_free_slot(struct vblk *vb)
{
	if (vb->busy == vb->nr_slots)
		return NULL;
	for (unsigned int i = 0; i < vb->nr_slots; i++)
		if (!vb->slots[i].req)
			return &vb->slots[i];
	return NULL;
}

static int vblk_submit(struct blkdev *bd, struct blk_req *req)
{
	struct vblk *vb = bd->priv;
	struct vblk_slot *s;
	unsigned long flags;
	int err = 0;

	if (req->op == BLK_OP_FLUSH &&
	    !virtio_has_feature(vb->vdev, VIRTIO_BLK_F_FLUSH)) {
		blk_complete(req, 0);	/* no volatile cache to drain */
		return 0;
	}
	flags = spin_lock_irqsave(&vb->lock);
	s = list_empty(&vb->pending) ? vblk_free_slot(vb) : NULL;
	if (!s)
		list_add_tail(&req->node, &vb->pending);
	else if (!(err = vblk_start(vb, s, req)))
		virtqueue_kick(vb->vq);
	spin_unlock_irqrestore(&vb->lock, flags);
	return err;
}

static int vblk_status(uint8_t st)
{
	if (st == VIRTIO_BLK_S_OK)
		return 0;
	return st == VIRTIO_BLK_S_UNSUPP ? -EOPNOTSUPP : -EIO;
}

/* Start waiting requests while slots are free. [L] held. */
static void vblk_start_pending(struct vblk *vb)
{
	struct blk_req *req;
	struct vblk_slot *s;
	bool kick = false;

	while (!list_empty(&vb->pending) && (s = vblk_free_slot(vb))) {
		req = list_first_entry(&vb->pending, struct blk_req, node);
		list_del_init(&req->node);
		if (vblk_start(vb, s, req))
			blk_complete(req, -EIO);
		else
			kick = true;
	}
	if (kick)
		virtqueue_kick(vb->vq);
}

/* Reap finished requests. [L] held; any context. */
static void vblk_reap(struct vblk *vb)
{
	struct vblk_slot *s;
	struct blk_req *req;
	uint32_t len;

	do {
		virtqueue_disable_cb(vb->vq);
		while ((s = virtqueue_get_buf(vb->vq, &len))) {
			req = s->req;
			s->req = NULL;
			vb->busy--;
			if (req)
				blk_complete(req, vblk_status(s->status));
		}
	} while (!virtqueue_enable_cb(vb->vq));
	vblk_start_pending(vb);
}

static void vblk_vq_cb(struct virtqueue *vq)
{
	struct vblk *vb = vq->vdev->priv;
	unsigned long flags = spin_lock_irqsave(&vb->lock);

	vblk_reap(vb);
	spin_unlock_irqrestore(&vb->lock, flags);
}

/* GET_ID at probe time, polled: the serial, if the device has one. */
static void vblk_read_serial(struct vblk *vb)
{
	char *id = kzalloc(VBLK_ID_LEN + 1, GFP_KERNEL);
	struct blk_req req = { .dev = &vb->bd, .op = BLK_OP_READ };
	struct vblk_slot *s = &vb->slots[0];
	struct vq_buf b[3];
	unsigned long flags;

	if (!id)
		return;
	flags = spin_lock_irqsave(&vb->lock);
	s->hdr = (struct virtio_blk_hdr){ VIRTIO_BLK_T_GET_ID, 0, 0 };
	s->status = VBLK_STATUS_NONE;
	b[0] = (struct vq_buf){ &s->hdr, sizeof(s->hdr) };
	b[1] = (struct vq_buf){ id, VBLK_ID_LEN };
	b[2] = (struct vq_buf){ &s->status, 1 };
	if (!virtqueue_add(vb->vq, b, 1, 2, s)) {
		s->req = &req;
		vb->busy++;
		virtqueue_kick(vb->vq);
		while (!req.completed && !vb->vq->broken)
			vblk_reap(vb);
	}
	spin_unlock_irqrestore(&vb->lock, flags);
	if (req.completed && !req.status)
		kstrlcpy(vb->bd.serial, id, sizeof(vb->bd.serial));
	kfree(id);
}

static const struct blkdev_ops vblk_ops = {
	.submit = vblk_submit,
};

static void vblk_read_config(struct vblk *vb)
{
	struct virtio_device *vdev = vb->vdev;
	uint32_t bs = BLK_SECTOR_SIZE, v;

	virtio_cread(vdev, VBLK_CFG_CAPACITY, &vb->bd.capacity, 8);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE)) {
		virtio_cread(vdev, VBLK_CFG_BLK_SIZE, &v, 4);
		if (v >= BLK_SECTOR_SIZE && v <= 65536 && !(v & (v - 1)))
			bs = v;
	}
	vb->bd.block_size = bs;
	vb->bd.read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	vb->size_max = 1u << 20;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX)) {
		virtio_cread(vdev, VBLK_CFG_SIZE_MAX, &v, 4);
		if (v >= PAGE_SIZE)
			vb->size_max = v;
	}
	vb->max_segs = VBLK_MAX_SEGS;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX)) {
		virtio_cread(vdev, VBLK_CFG_SEG_MAX, &v, 4);
		if (v && v < vb->max_segs)
			vb->max_segs = v;
	} else {
		vb->max_segs = 1;	/* the spec: one data segment then */
	}
}

static int vblk_setup(struct vblk *vb)
{
	struct virtqueue *vq = virtio_setup_vq(vb->vdev, 0, vblk_vq_cb,
					       "requests");
	uint64_t max;

	if (!vq)
		return -ENOMEM;
	vb->vq = vq;
	if (!vq->indirect && vb->max_segs > VBLK_CHAIN_SEGS)
		vb->max_segs = VBLK_CHAIN_SEGS;
	/* Without indirect tables a request takes up to 2 + segs entries. */
	vb->nr_slots = vq->indirect ? vq->num : vq->num / (2 + vb->max_segs);
	if (vb->nr_slots > VBLK_MAX_SLOTS)
		vb->nr_slots = VBLK_MAX_SLOTS;
	if (!vb->nr_slots)
		return -ENOSPC;
	if (!vq->indirect && vq->num < 2 + vb->max_segs)
		vb->max_segs = vq->num - 2;
	vb->slots = kzalloc(vb->nr_slots * sizeof(*vb->slots), GFP_KERNEL);
	vb->bufs = kzalloc((2 + vb->max_segs) * sizeof(*vb->bufs),
			   GFP_KERNEL);
	if (!vb->slots || !vb->bufs)
		return -ENOMEM;
	if (vq->indirect && vb->max_segs > VBLK_CHAIN_SEGS) {
		vb->tables = kzalloc(vb->nr_slots * (2 + vb->max_segs) *
				     sizeof(*vb->tables), GFP_KERNEL);
		if (!vb->tables)
			vb->max_segs = VBLK_CHAIN_SEGS;	/* the queue's own */
	}
	vb->bd.max_segs = vb->max_segs;
	max = (uint64_t)vb->size_max * vb->max_segs >> BLK_SECTOR_SHIFT;
	vb->bd.max_sectors = max > 0xffffffffu ? 0xffffffffu : (uint32_t)max;
	return virtio_device_ready(vb->vdev);
}

static int vblk_probe(struct virtio_device *vdev)
{
	struct vblk *vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	int err;

	if (!vb)
		return -ENOMEM;
	vb->vdev = vdev;
	vdev->priv = vb;
	spin_lock_init(&vb->lock);
	INIT_LIST_HEAD(&vb->pending);
	vb->bd = (struct blkdev){ .ops = &vblk_ops, .priv = vb };
	vblk_read_config(vb);
	err = vblk_setup(vb);
	if (err)
		return err;	/* NOTE: the queue is not freed */
	vblk_read_serial(vb);
	err = blkdev_register(&vb->bd);
	if (err)
		return err;
	pr_info("virtio-blk: %s: %s, %llu MiB, %u requests in flight of %u segments%s%s\n",
		vb->bd.name, vdev->name,
		(unsigned long long)(vb->bd.capacity >> 11), vb->nr_slots,
		vb->max_segs,
		virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH) ?
		", write cache" : "", vb->bd.read_only ? ", read-only" : "");
	return 0;
}

static struct virtio_driver vblk_driver = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
		    VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
		    VIRTIO_BIT(VIRTIO_BLK_F_RO) |
		    VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
		    VIRTIO_BIT(VIRTIO_BLK_F_FLUSH),
	.probe = vblk_probe,
};

static int vblk_register(void)
{
	return virtio_register_driver(&vblk_driver);
}
subsys_initcall(vblk_register);
