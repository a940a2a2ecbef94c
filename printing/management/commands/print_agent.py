"""manage.py print_agent --server URL --device ID --printer HOST[:PORT] [--once]

Drives an ESC/POS network receipt printer for one print device (see printing.agent). The device's
token is read from --token or the PRINT_AGENT_TOKEN environment variable (shown once when the
device is registered on the board's Printing panel or with POST /api/restaurants/{id}/print-devices/)."""

import logging
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from printing.agent import AgentError, DeviceApi, Journal, PrintAgent


def _printer_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":") if ":" in value else (value, "", "9100")
    try:
        return host, int(port)
    except ValueError:
        raise CommandError(f"--printer: '{value}' is not HOST or HOST:PORT.")


class Command(BaseCommand):
    help = "Print kitchen tickets of one print device on an ESC/POS network printer (TCP 9100)."

    def add_arguments(self, parser):
        parser.add_argument("--server", required=True, help="The FoodSys base URL, e.g. https://foodsys.example")
        parser.add_argument("--device", required=True, type=int, help="The print device id.")
        parser.add_argument("--token", default=os.environ.get("PRINT_AGENT_TOKEN", ""),
                            help="The device token (default: $PRINT_AGENT_TOKEN).")
        parser.add_argument("--printer", required=True, help="The printer's HOST or HOST:PORT (port 9100 by default).")
        parser.add_argument("--paper-width", type=int, choices=[80, 58], default=80)
        parser.add_argument("--journal", default="", help="The file of printed job ids (default: "
                                                          "print-agent-<device>.journal in the current directory).")
        parser.add_argument("--interval", type=float, default=3.0, help="Seconds between claims.")
        parser.add_argument("--once", action="store_true", help="Claim and print once, then exit.")

    def handle(self, *args, **options):
        if not options["token"]:
            raise CommandError("A device token is needed: --token or PRINT_AGENT_TOKEN.")
        logging.basicConfig(level=logging.INFO)
        host, port = _printer_address(options["printer"])
        journal = Journal(Path(options["journal"] or f"print-agent-{options['device']}.journal"))
        try:
            api = DeviceApi(server=options["server"], device_id=options["device"], token=options["token"])
        except AgentError as exc:
            raise CommandError(str(exc))
        agent = PrintAgent(api=api, journal=journal, printer_host=host, printer_port=port,
                           paper_width=options["paper_width"])
        if options["once"]:
            try:
                counts = agent.run_once()
            except (AgentError, OSError) as exc:
                raise CommandError(str(exc))
            self.stdout.write(f"printed {counts['printed']}, already printed {counts['skipped']}, "
                              f"acknowledged {counts['acked']}")
            return
        agent.run_forever(options["interval"])
