"""`python -m tests.faults.kill_after_apply <consume_orders arguments>`: the real `consume_orders`,
except that the process SIGKILLs itself right after its KILL_AFTER_BATCHES-th batch was applied
(metrics written to Redis) and before that batch's offsets are committed: the crash window the
consumer's dedupe by event_id exists for. A test harness, not production code.
"""

import os
import signal
import sys


def main() -> None:
    kill_after = int(os.environ["KILL_AFTER_BATCHES"])
    import django

    django.setup()
    from django.core.management import call_command

    from foodsys.kafka import consumer

    original_init = consumer.BatchConsumerRunner.__init__

    def init(self, *args, handle_batch, **kwargs):
        batches = 0

        def handle_then_die(messages):
            nonlocal batches
            handle_batch(messages)
            batches += 1
            if batches >= kill_after:
                print(f"applied batch {batches} ({len(messages)} messages); SIGKILL before the commit", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)

        original_init(self, *args, handle_batch=handle_then_die, **kwargs)

    consumer.BatchConsumerRunner.__init__ = init
    call_command("consume_orders", *sys.argv[1:])


if __name__ == "__main__":
    main()
