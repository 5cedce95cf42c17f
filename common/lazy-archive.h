/* since v1.1: libarchive, loaded when first used */
/* libarchive, loaded with dlopen(3) when a command first makes an archive
 * or an entry (the four *_new below), not by the dynamic linker at every
 * start.  With what it needs (libxml2, ICU, libstdc++, the compressors) it
 * is half of the libraries a stage loads, and a run, which never uses it,
 * paid for them twice: in the command and again in the re-executed init
 * (notes/costs.md).  The code calls libarchive as usual: each name below
 * is made a pointer, which the load fills in (common/lazy.c). */
#ifndef MD_LAZY_ARCHIVE_H
#define MD_LAZY_ARCHIVE_H

#include <archive.h>
#include <archive_entry.h>

/* NEW: a constructor, which loads the library first; CALL: the others,
 * which take what a constructor made, so the library is loaded by then. */
#define MD_ARCHIVE_CALLS(NEW, CALL)                                                                \
	NEW(archive_read_new) NEW(archive_write_new) NEW(archive_write_disk_new)                   \
	NEW(archive_entry_new) CALL(archive_entry_clear) CALL(archive_entry_copy_stat)             \
	CALL(archive_entry_filetype) CALL(archive_entry_free) CALL(archive_entry_hardlink)         \
	CALL(archive_entry_pathname) CALL(archive_entry_set_atime) CALL(archive_entry_set_dev)     \
	CALL(archive_entry_set_filetype) CALL(archive_entry_set_gid)                               \
	CALL(archive_entry_set_hardlink) CALL(archive_entry_set_ino)                               \
	CALL(archive_entry_set_mtime) CALL(archive_entry_set_pathname)                             \
	CALL(archive_entry_set_perm) CALL(archive_entry_set_size) CALL(archive_entry_set_symlink)  \
	CALL(archive_entry_set_uid) CALL(archive_entry_unset_atime)                                \
	CALL(archive_entry_unset_ctime) CALL(archive_entry_xattr_add_entry)                        \
	CALL(archive_entry_xattr_clear) CALL(archive_entry_xattr_next)                             \
	CALL(archive_entry_xattr_reset) CALL(archive_error_string) CALL(archive_read_data)         \
	CALL(archive_read_data_block) CALL(archive_read_extract2) CALL(archive_read_free)          \
	CALL(archive_read_next_header) CALL(archive_read_open) CALL(archive_read_open_fd)          \
	CALL(archive_read_open_filename) CALL(archive_read_support_filter_all)                     \
	CALL(archive_read_support_format_all) CALL(archive_read_support_format_raw)                \
	CALL(archive_read_support_format_tar) CALL(archive_set_error) CALL(archive_write_close)    \
	CALL(archive_write_data) CALL(archive_write_data_block)                                    \
	CALL(archive_write_disk_set_options) CALL(archive_write_finish_entry)                      \
	CALL(archive_write_free) CALL(archive_write_header) CALL(archive_write_open)               \
	CALL(archive_write_set_bytes_in_last_block) CALL(archive_write_set_format_pax_restricted)

#define MD_LAZY_POINTER(f) extern __typeof__(f) *md_lazy_##f;
MD_ARCHIVE_CALLS(MD_LAZY_POINTER, MD_LAZY_POINTER)

/* common/lazy.c, which fills the pointers in, names the calls themselves. */
#ifndef MD_LAZY_OWN
#define archive_read_new (*md_lazy_archive_read_new)
#define archive_write_new (*md_lazy_archive_write_new)
#define archive_write_disk_new (*md_lazy_archive_write_disk_new)
#define archive_entry_new (*md_lazy_archive_entry_new)
#define archive_entry_clear (*md_lazy_archive_entry_clear)
#define archive_entry_copy_stat (*md_lazy_archive_entry_copy_stat)
#define archive_entry_filetype (*md_lazy_archive_entry_filetype)
#define archive_entry_free (*md_lazy_archive_entry_free)
#define archive_entry_hardlink (*md_lazy_archive_entry_hardlink)
#define archive_entry_pathname (*md_lazy_archive_entry_pathname)
#define archive_entry_set_atime (*md_lazy_archive_entry_set_atime)
#define archive_entry_set_dev (*md_lazy_archive_entry_set_dev)
#define archive_entry_set_filetype (*md_lazy_archive_entry_set_filetype)
#define archive_entry_set_gid (*md_lazy_archive_entry_set_gid)
#define archive_entry_set_hardlink (*md_lazy_archive_entry_set_hardlink)
#define archive_entry_set_ino (*md_lazy_archive_entry_set_ino)
#define archive_entry_set_mtime (*md_lazy_archive_entry_set_mtime)
#define archive_entry_set_pathname (*md_lazy_archive_entry_set_pathname)
#define archive_entry_set_perm (*md_lazy_archive_entry_set_perm)
#define archive_entry_set_size (*md_lazy_archive_entry_set_size)
#define archive_entry_set_symlink (*md_lazy_archive_entry_set_symlink)
#define archive_entry_set_uid (*md_lazy_archive_entry_set_uid)
#define archive_entry_unset_atime (*md_lazy_archive_entry_unset_atime)
#define archive_entry_unset_ctime (*md_lazy_archive_entry_unset_ctime)
#define archive_entry_xattr_add_entry (*md_lazy_archive_entry_xattr_add_entry)
#define archive_entry_xattr_clear (*md_lazy_archive_entry_xattr_clear)
#define archive_entry_xattr_next (*md_lazy_archive_entry_xattr_next)
#define archive_entry_xattr_reset (*md_lazy_archive_entry_xattr_reset)
#define archive_error_string (*md_lazy_archive_error_string)
#define archive_read_data (*md_lazy_archive_read_data)
#define archive_read_data_block (*md_lazy_archive_read_data_block)
#define archive_read_extract2 (*md_lazy_archive_read_extract2)
#define archive_read_free (*md_lazy_archive_read_free)
#define archive_read_next_header (*md_lazy_archive_read_next_header)
#define archive_read_open (*md_lazy_archive_read_open)
#define archive_read_open_fd (*md_lazy_archive_read_open_fd)
#define archive_read_open_filename (*md_lazy_archive_read_open_filename)
#define archive_read_support_filter_all (*md_lazy_archive_read_support_filter_all)
#define archive_read_support_format_all (*md_lazy_archive_read_support_format_all)
#define archive_read_support_format_raw (*md_lazy_archive_read_support_format_raw)
#define archive_read_support_format_tar (*md_lazy_archive_read_support_format_tar)
#define archive_set_error (*md_lazy_archive_set_error)
#define archive_write_close (*md_lazy_archive_write_close)
#define archive_write_data (*md_lazy_archive_write_data)
#define archive_write_data_block (*md_lazy_archive_write_data_block)
#define archive_write_disk_set_options (*md_lazy_archive_write_disk_set_options)
#define archive_write_finish_entry (*md_lazy_archive_write_finish_entry)
#define archive_write_free (*md_lazy_archive_write_free)
#define archive_write_header (*md_lazy_archive_write_header)
#define archive_write_open (*md_lazy_archive_write_open)
#define archive_write_set_bytes_in_last_block (*md_lazy_archive_write_set_bytes_in_last_block)
#define archive_write_set_format_pax_restricted (*md_lazy_archive_write_set_format_pax_restricted)

#endif
#endif
