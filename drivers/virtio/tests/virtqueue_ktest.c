// SPDX-License-Identifier: MIT
/*
 * ktest suites for the split virtqueue: descriptor chains and indirect
 * tables, used-ring handling (the test plays the device by writing the
 * used ring), rejection of bad device input, event-index arithmetic and
 * notification suppression. No device is involved.
 */
#include <pith/ktest.h>
#include <pith/mm.h>
#include <pith/virtio.h>

static unsigned long notified;

static void fake_notify(struct virtqueue *vq)
{
	notified++;
}

static const struct virtio_config_ops fake_ops = { .notify = fake_notify };
static struct virtio_device fake_dev = { .ops = &fake_ops, .name = "fake" };

/* Play the device: descriptor id is used, len bytes written. */
static void device_use(struct virtqueue *vq, uint32_t id, uint32_t len)
{
	uint16_t i = vq->used->idx;

	vq->used->ring[i & (vq->num - 1)] = (struct vring_used_elem){ id, len };
	vq->used->idx = i + 1;
}

static uint16_t avail_head(struct virtqueue *vq, uint16_t n)
{
	return vq->avail->ring[n & (vq->num - 1)];
}

static void virtqueue_add_chain_links_descriptors(struct ktest *t)
{
	struct virtqueue *vq = vq_create(&fake_dev, 0, 8, false, false);
	static char a[16], b[32], c[64];
	struct vq_buf bufs[] = { { a, 16 }, { b, 32 }, { c, 64 } };
	uint16_t h;

	KT_ASSERT_TRUE(t, vq != NULL);
	KT_EXPECT_EQ(t, virtqueue_add(vq, bufs, 1, 2, a), 0);
	KT_EXPECT_EQ(t, virtqueue_num_free(vq), 5);
	h = avail_head(vq, 0);
	KT_EXPECT_EQ(t, vq->desc[h].flags, VRING_DESC_F_NEXT);
	h = vq->desc[h].next;
	KT_EXPECT_EQ(t, vq->desc[h].len, 32);
	KT_EXPECT_EQ(t, vq->desc[h].flags, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	h = vq->desc[h].next;
	KT_EXPECT_EQ(t, vq->desc[h].flags, VRING_DESC_F_WRITE);
	KT_EXPECT_EQ(t, vq->avail->idx, 1);
	vq_destroy(vq);
}

static void virtqueue_add_indirect_takes_one_descriptor(struct ktest *t)
{
	struct virtqueue *vq = vq_create(&fake_dev, 0, 4, false, true);
	static char a[12], b[1500];
	struct vq_buf bufs[] = { { a, 12 }, { b, 1500 } };
	struct vring_desc *tbl;
	uint16_t h;

	KT_ASSERT_TRUE(t, vq != NULL);
	KT_EXPECT_EQ(t, virtqueue_add(vq, bufs, 2, 0, a), 0);
	KT_EXPECT_EQ(t, virtqueue_num_free(vq), 3);
	h = avail_head(vq, 0);
	KT_EXPECT_EQ(t, vq->desc[h].flags, VRING_DESC_F_INDIRECT);
	KT_EXPECT_EQ(t, vq->desc[h].len, 2 * sizeof(struct vring_desc));
	tbl = (struct vring_desc *)(uintptr_t)vq->desc[h].addr;
	KT_EXPECT_EQ(t, tbl[0].len, 12);
	KT_EXPECT_EQ(t, tbl[0].flags, VRING_DESC_F_NEXT);
	KT_EXPECT_EQ(t, tbl[1].len, 1500);
	vq_destroy(vq);
}

static void virtqueue_add_table_uses_the_callers_table(struct ktest *t)
{
	struct virtqueue *vq = vq_create(&fake_dev, 0, 4, false, true);
	struct virtqueue *plain = vq_create(&fake_dev, 0, 4, false, false);
	static struct vring_desc tbl[20];
	static char hdr[16], data[18][512], st[1];
	struct vq_buf bufs[20];
	uint32_t len = 0;
	uint16_t h;

	KT_ASSERT_TRUE(t, vq != NULL && plain != NULL);
	bufs[0] = (struct vq_buf){ hdr, 16 };
	for (int i = 0; i < 18; i++)
		bufs[1 + i] = (struct vq_buf){ data[i], 512 };
	bufs[19] = (struct vq_buf){ st, 1 };
	/* more buffers than VIRTQUEUE_MAX_INDIRECT: one ring descriptor */
	KT_EXPECT_EQ(t, virtqueue_add_table(vq, tbl, bufs, 1, 19, hdr), 0);
	KT_EXPECT_EQ(t, virtqueue_num_free(vq), 3);
	h = avail_head(vq, 0);
	KT_EXPECT_EQ(t, vq->desc[h].flags, VRING_DESC_F_INDIRECT);
	KT_EXPECT_TRUE(t, vq->desc[h].addr == (uintptr_t)tbl);
	KT_EXPECT_EQ(t, vq->desc[h].len, 20 * sizeof(struct vring_desc));
	KT_EXPECT_EQ(t, tbl[0].flags, VRING_DESC_F_NEXT);
	KT_EXPECT_EQ(t, tbl[5].flags, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	KT_EXPECT_EQ(t, tbl[19].flags, VRING_DESC_F_WRITE);
	device_use(vq, h, 18 * 512 + 1);
	KT_EXPECT_TRUE(t, virtqueue_get_buf(vq, &len) == hdr);
	KT_EXPECT_EQ(t, virtqueue_num_free(vq), 4);
	/* no indirect descriptors negotiated: refused */
	KT_EXPECT_EQ(t, virtqueue_add_table(plain, tbl, bufs, 1, 19, hdr),
		     -EINVAL);
	vq_destroy(vq);
	vq_destroy(plain);
}

static void virtqueue_full_ring_returns_enospc(struct ktest *t)
{
	struct virtqueue *vq = vq_create(&fake_dev, 0, 4, false, false);
	static char a[4][8];
	struct vq_buf b;

	KT_ASSERT_TRUE(t, vq != NULL);
	for (int i = 0; i < 4; i++) {
		b = (struct vq_buf){ a[i], 8 };
		KT_EXPECT_EQ(t, virtqueue_add(vq, &b, 0, 1, a[i]), 0);
	}
	KT_EXPECT_EQ(t, virtqueue_add(vq, &b, 0, 1, a[0]), -ENOSPC);
	vq_destroy(vq);
}

static void virtqueue_get_buf_returns_token_and_frees(struct ktest *t)
{
	struct virtqueue *vq = vq_create(&fake_dev, 0, 4, false, false);
	static char a[64], b[64];
	struct vq_buf ba = { a, 64 }, bb = { b, 64 };
	uint32_t len = 0;

	KT_ASSERT_TRUE(t, vq != NULL);
	virtqueue_add(vq, &ba, 0, 1, a);
	virtqueue_add(vq, &bb, 0, 1, b);
	KT_EXPECT_TRUE(t, virtqueue_get_buf(vq, &len) == NULL);
	device_use(vq, avail_head(vq, 1), 10);	/* out of order */
	KT_EXPECT_TRUE(t, virtqueue_get_buf(vq, &len) == b);
	KT_EXPECT_EQ(t, len, 10);
	KT_EXPECT_EQ(t, virtqueue_num_free(vq), 3);
	device_use(vq, avail_head(vq, 0), 64);
	KT_EXPECT_TRUE(t, virtqueue_get_buf(vq, &len) == a);
	KT_EXPECT_EQ(t, virtqueue_num_free(vq), 4);
	vq_destroy(vq);
}

static void virtqueue_bad_used_entries_stop_the_queue(struct ktest *t)
{
	static const struct { uint32_t id, len; } bad[] = {
		{ 99, 1 },	/* id out of range */
		{ 3, 1 },	/* id not in flight */
		{ 0, 65 },	/* longer than offered */
	};
	static char a[64];
	struct vq_buf b = { a, 64 };

	for (unsigned int i = 0; i < 3; i++) {
		struct virtqueue *vq = vq_create(&fake_dev, 0, 4, false, false);

		KT_ASSERT_TRUE(t, vq != NULL);
		virtqueue_add(vq, &b, 0, 1, a);
		device_use(vq, bad[i].id, bad[i].len);
		KT_EXPECT_TRUE(t, virtqueue_get_buf(vq, NULL) == NULL);
		KT_EXPECT_TRUE(t, vq->broken);
		KT_EXPECT_EQ(t, vq->bad_used, 1);
		KT_EXPECT_EQ(t, virtqueue_add(vq, &b, 0, 1, a), -EIO);
		vq_destroy(vq);
	}
}

static void virtqueue_need_event_math(struct ktest *t)
{
	KT_EXPECT_TRUE(t, vring_need_event(0, 1, 0));
	KT_EXPECT_FALSE(t, vring_need_event(1, 1, 0));
	KT_EXPECT_TRUE(t, vring_need_event(5, 10, 3));
	KT_EXPECT_FALSE(t, vring_need_event(10, 10, 3));
	KT_EXPECT_TRUE(t, vring_need_event(0xffff, 2, 0xfffe));	/* wraps */
	KT_EXPECT_FALSE(t, vring_need_event(2, 2, 0xfffe));
}

static void virtqueue_event_idx_suppresses_kicks(struct ktest *t)
{
	struct virtqueue *vq = vq_create(&fake_dev, 0, 8, true, false);
	static char a[4][8];
	struct vq_buf b;
	unsigned long before = notified;

	KT_ASSERT_TRUE(t, vq != NULL);
	*vring_avail_event(vq) = 0;	/* device wants to hear of entry 0 */
	b = (struct vq_buf){ a[0], 8 };
	virtqueue_add(vq, &b, 0, 1, a[0]);
	KT_EXPECT_TRUE(t, virtqueue_kick(vq));
	b = (struct vq_buf){ a[1], 8 };
	virtqueue_add(vq, &b, 0, 1, a[1]);
	KT_EXPECT_FALSE(t, virtqueue_kick(vq));	/* not asked for entry 1 */
	*vring_avail_event(vq) = 2;
	b = (struct vq_buf){ a[2], 8 };
	virtqueue_add(vq, &b, 0, 1, a[2]);
	KT_EXPECT_TRUE(t, virtqueue_kick(vq));
	KT_EXPECT_EQ(t, notified - before, 2);
	KT_EXPECT_EQ(t, vq->kicks_saved, 1);
	vq_destroy(vq);
}

static void virtqueue_enable_cb_reports_pending(struct ktest *t)
{
	struct virtqueue *vq = vq_create(&fake_dev, 0, 4, true, false);
	static char a[8];
	struct vq_buf b = { a, 8 };

	KT_ASSERT_TRUE(t, vq != NULL);
	virtqueue_add(vq, &b, 0, 1, a);
	virtqueue_disable_cb(vq);
	KT_EXPECT_EQ(t, *vring_used_event(vq), 0xffff);
	KT_EXPECT_TRUE(t, virtqueue_enable_cb(vq));
	KT_EXPECT_EQ(t, *vring_used_event(vq), 0);
	device_use(vq, avail_head(vq, 0), 8);
	KT_EXPECT_FALSE(t, virtqueue_enable_cb(vq));	/* poll again */
	KT_EXPECT_TRUE(t, virtqueue_get_buf(vq, NULL) == a);
	KT_EXPECT_EQ(t, *vring_used_event(vq), 1);
	vq_destroy(vq);
}

static struct ktest_case virtqueue_cases[] = {
	KTEST_CASE(virtqueue_add_chain_links_descriptors),
	KTEST_CASE(virtqueue_add_indirect_takes_one_descriptor),
	KTEST_CASE(virtqueue_add_table_uses_the_callers_table),
	KTEST_CASE(virtqueue_full_ring_returns_enospc),
	KTEST_CASE(virtqueue_get_buf_returns_token_and_frees),
	KTEST_CASE(virtqueue_bad_used_entries_stop_the_queue),
	KTEST_CASE(virtqueue_need_event_math),
	KTEST_CASE(virtqueue_event_idx_suppresses_kicks),
	KTEST_CASE(virtqueue_enable_cb_reports_pending),
	{}
};
KTEST_SUITE(virtqueue, virtqueue_cases);
