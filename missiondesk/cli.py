"""The command line: the GUI by default, headless subcommands for scripts and checks.

Errors the user can act on go to stderr as one sentence with exit code 1; never a
traceback. Passphrases come from the terminal prompt, ``MISSIONDESK_PASSPHRASE`` or
``--passphrase-file``; they are never echoed, printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path

from missiondesk import __version__

SUBCOMMANDS = ("demo", "check", "export", "import", "network", "search", "rekey")
PASSPHRASE_ENV = "MISSIONDESK_PASSPHRASE"


class UserError(Exception):
    """A problem with what the user asked, reported as one sentence."""


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("CommandLine", text)


def _add_passphrase_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--passphrase-file", metavar="F",
                       help=_tr("read the passphrase from the first line of F"))
    group.add_argument("--no-passphrase", action="store_true",
                       help=_tr("create or open an unencrypted (plain) mission file"))


def _add_break_lock(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--break-lock", action="store_true",
                        help=_tr("open the file even though its lock says another MissionDesk "
                                 "has it open (after a power cut, or a file from another "
                                 "laptop); only when no one is working on it"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="missiondesk",
        usage="%(prog)s [FILE]\n       %(prog)s COMMAND ...",
        description=_tr("MissionDesk: the political-strategy desk of a UN peace operation."),
    )
    parser.add_argument("--version", action="version", version="MissionDesk " + __version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help=_tr("write the Carana demo mission"))
    demo.add_argument("file", type=Path)
    demo.add_argument("--large", action="store_true",
                      help=_tr("write the large benchmark mission instead"))
    demo.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                      help=_tr("date the demo's dates are relative to (default today)"))
    _add_passphrase_options(demo)

    check = sub.add_parser(
        "check", help=_tr("integrity, schema version, counts; exit 1 on a problem"))
    check.add_argument("file", type=Path)
    _add_passphrase_options(check)
    _add_break_lock(check)

    export = sub.add_parser("export", help=_tr("export the whole mission"))
    export.add_argument("file", type=Path)
    export.add_argument("--format", choices=["json", "csv", "xlsx", "graphml", "gexf"],
                        required=True,
                        help=_tr("csv: a folder of one file per register; xlsx: one workbook "
                                 "of one sheet per register"))
    export.add_argument("-o", "--output", type=Path, required=True,
                        help=_tr("file to write ('-' for standard output)"))
    export.add_argument("--include-protected", action="store_true",
                        help=_tr("json: include who or what the protected sources are "
                                 "(masked otherwise); the mission's audit trail records it"))
    _add_passphrase_options(export)
    _add_break_lock(export)

    # --- network (helper D) ---
    net = sub.add_parser("network", help=_tr("influence metrics: brokers, most influential, "
                                             "most contested, clusters"))
    net.add_argument("file", type=Path)
    net.add_argument("--top", type=int, default=10, metavar="N",
                     help=_tr("how many actors of each list (default 10)"))
    net.add_argument("--json", action="store_true", help=_tr("print JSON"))
    net.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                     help=_tr("the network as it stood on that day"))
    _add_passphrase_options(net)
    _add_break_lock(net)
    # --- end network ---

    # --- search (E4) ---
    find = sub.add_parser("search", help=_tr("full-text search: stakeholders, engagements, "
                                             "commitments, sources' code names"))
    find.add_argument("file", type=Path)
    find.add_argument("query")
    find.add_argument("--json", action="store_true", help=_tr("print JSON"))
    find.add_argument("--limit", type=int, default=20, metavar="N",
                      help=_tr("results of each kind at most (default 20)"))
    _add_passphrase_options(find)
    _add_break_lock(find)
    # --- end search ---

    imp = sub.add_parser(
        "import", help=_tr("import records (FILE is created when it does not exist)"))
    imp.add_argument("file", type=Path)
    source = imp.add_mutually_exclusive_group()
    source.add_argument("--json", type=Path, metavar="X",
                        help=_tr("a MissionDesk JSON export"))
    source.add_argument("--stakeholders", type=Path, metavar="F",
                        help=_tr("stakeholders from a CSV or XLSX table (all rows or none; "
                                 "a stakeholder of the same name is updated)"))
    imp.add_argument("--relationships", type=Path, metavar="F",
                     help=_tr("relationships from a CSV or XLSX table (all rows or none; with "
                              "--stakeholders, both in one go; the same source, target and "
                              "type is updated)"))
    imp.add_argument("--engagements", type=Path, metavar="F",
                     help=_tr("engagements from a CSV or XLSX table (all rows or none; with "
                              "--stakeholders, in one go; a meeting already recorded is left "
                              "as it is)"))
    imp.add_argument("--measurements", type=Path, metavar="F",
                     help=_tr("indicator measurements from a CSV or XLSX table: indicator "
                              "(its name), date, value, note, source (all rows or none; the "
                              "same indicator and date is updated)"))
    _add_passphrase_options(imp)
    _add_break_lock(imp)

    rekey = sub.add_parser("rekey", help=_tr("set, change or remove the passphrase"))
    rekey.add_argument("file", type=Path)
    rekey.add_argument("--passphrase-file", metavar="F",
                       help=_tr("read the current passphrase from the first line of F"))
    rekey.add_argument("--new-passphrase-file", metavar="F",
                       help=_tr("read the new passphrase from the first line of F"))
    rekey.add_argument("--remove", action="store_true",
                       help=_tr("store the mission unencrypted (asks for confirmation on a "
                                "terminal)"))
    _add_break_lock(rekey)
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="missiondesk",
                                     epilog=_tr("Commands: {names} (missiondesk COMMAND --help)"
                                                ).format(names=", ".join(SUBCOMMANDS)))
    parser.add_argument("--version", action="version", version="MissionDesk " + __version__)
    parser.add_argument("file", nargs="?", type=Path, help=_tr("a mission file to open"))
    return parser


# --- passphrases ---------------------------------------------------------------------------


def _read_first_line(path: str) -> str:
    """The first line of a passphrase file, as an editor wrote it: a UTF-8 byte-order mark
    (Windows Notepad) and the line ending (CR LF, LF or CR) are not part of it."""
    try:
        # utf-8-sig drops a leading BOM; newline="" keeps the ending as written, to strip once.
        with open(path, encoding="utf-8-sig", newline="") as fh:
            line = fh.readline()
    except OSError as exc:
        raise UserError(_tr("Cannot read the passphrase file {path}.").format(path=path)) from exc
    except UnicodeDecodeError as exc:
        raise UserError(_tr("The passphrase file {path} is not UTF-8 text; save it as UTF-8."
                            ).format(path=path)) from exc
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return line[:-len(ending)]
    return line


def passphrase_for_open(args, path: Path) -> str | None:
    """The passphrase for an existing file (None for a plain one)."""
    from missiondesk.store.engine import inspect_file

    if getattr(args, "no_passphrase", False):
        return None
    if not inspect_file(path):
        return None
    if getattr(args, "passphrase_file", None):
        return _read_first_line(args.passphrase_file)
    if getattr(args, "env_passphrase", None):  # read once by main(), gone from os.environ
        return args.env_passphrase
    if sys.stdin.isatty():
        return getpass.getpass(_tr("Passphrase for {name}: ").format(name=path.name))
    raise UserError(_tr("{name} is encrypted: give its passphrase with {env} or "
                        "--passphrase-file.").format(name=path.name, env=PASSPHRASE_ENV))


def passphrase_for_new(args, path: Path) -> str | None:
    """The passphrase for a file about to be created (None: plain, by explicit choice), as
    long as the GUI asks (PassphraseTooShort otherwise), in NFC."""
    if getattr(args, "no_passphrase", False):
        return None
    if getattr(args, "passphrase_file", None):
        value = _read_first_line(args.passphrase_file)
    elif getattr(args, "env_passphrase", None):
        value = args.env_passphrase
    elif sys.stdin.isatty():
        value = getpass.getpass(_tr("New passphrase for {name}: ").format(name=path.name))
        again = getpass.getpass(_tr("Repeat the passphrase: "))
        if value != again:
            raise UserError(_tr("The two passphrases differ; nothing was written."))
    else:
        raise UserError(_tr("A new mission is encrypted: give a passphrase with {env} or "
                            "--passphrase-file, or choose --no-passphrase.").format(
                                env=PASSPHRASE_ENV))
    if not value:
        raise UserError(_tr("The passphrase is empty; nothing was written."))
    from missiondesk.store.passphrase import check_new_passphrase

    return check_new_passphrase(value)


# --- commands ------------------------------------------------------------------------------


def _open(args, path: Path):
    from missiondesk.store.errors import FileMissing
    from missiondesk.store.handle import open_mission
    from missiondesk.store.lock import remove_stray_partials

    try:
        handle = open_mission(path, passphrase_for_open(args, path),
                              break_lock=getattr(args, "break_lock", False))
    except FileMissing as exc:  # a killed import into a new file left only its partial
        _say_partials_removed(exc.params.get("removed_partials")
                              or remove_stray_partials(Path(path)), path)
        raise
    _say_partials_removed(handle.removed_partials, path)
    handle.set_user(None, "command line")
    return handle


def _say_partials_removed(kinds, path: Path) -> None:
    """One line on stderr per partial file removed beside the mission (store.lock)."""
    from missiondesk.messages import partial_removed_text

    for kind in kinds or ():
        print(partial_removed_text(kind, Path(path).name), file=sys.stderr)


def cmd_demo(args) -> int:
    from missiondesk.demo import write_demo

    passphrase = passphrase_for_new(args, args.file)
    handle = write_demo(args.file, passphrase, large=args.large, as_of=args.as_of)
    handle.close()
    print(_tr("Wrote {path}.").format(path=args.file))
    return 0


def cmd_check(args) -> int:
    from missiondesk.services.check import check_mission

    handle = _open(args, args.file)
    try:
        report = check_mission(handle)
    finally:
        handle.close()
    print(_tr("Schema version: {rev}").format(rev=report.schema_revision))
    print(_tr("Integrity: {result}").format(result="; ".join(report.integrity[:5])))
    print(_tr("Foreign-key problems: {n}").format(n=report.foreign_key_problems))
    print(_tr("Search index: {state}").format(
        state=_tr("ok") if report.search_index_ok else _tr("damaged")))
    for table, count in report.counts.items():
        print("  %-20s %d" % (table, count))
    if not report.ok:
        print(_tr("The mission file has problems (see above)."), file=sys.stderr)
        return 1
    return 0


def cmd_export(args) -> int:
    from missiondesk.services.interchange import write_export
    from missiondesk.store.errors import FolderMissing

    folder = Path(args.output).absolute().parent
    if str(args.output) != "-" and not folder.is_dir():
        raise FolderMissing(path=str(folder))  # "The folder … does not exist.", not "Cannot write"
    if args.format in ("graphml", "gexf"):
        return _export_graph(args)
    if args.format in ("csv", "xlsx"):  # the registers as tables (E5)
        return _export_registers(args)
    handle = _open(args, args.file)
    try:
        include = _log_protected_export(args, handle)
        if str(args.output) == "-":
            write_export(handle, sys.stdout, include_protected=include)
            return 0
        # Written in the private temporary folder, moved into place only when complete.
        from missiondesk.staging import staged_file

        try:
            with staged_file(args.output) as partial, \
                    open(partial, "w", encoding="utf-8") as fh:
                write_export(handle, fh, include_protected=include)
        except OSError as exc:
            raise UserError(_tr("Cannot write {path}.").format(path=args.output)) from exc
    finally:
        handle.close()
    return 0


def _export_registers(args) -> int:
    """export --format csv|xlsx: stakeholders, relationships, engagements, commitments and
    measurements, one file (csv, in the folder OUT) or sheet (xlsx) each, marked
    (register_export)."""
    from missiondesk.services.register_export import write_registers
    from missiondesk.store.errors import MissionError

    if str(args.output) == "-":
        raise UserError(_tr("--format {fmt} writes files: give a path with -o.").format(
            fmt=args.format))
    if args.format == "csv" and args.output.exists() and not args.output.is_dir():
        raise UserError(_tr("{path} is a file; --format csv writes a folder of files."
                            ).format(path=args.output))
    handle = _open(args, args.file)
    try:
        counts = write_registers(handle, args.output, args.format)
    except MissionError:  # FolderMissing is an OSError too: its own sentence
        raise
    except OSError as exc:
        raise UserError(_tr("Cannot write {path}.").format(path=args.output)) from exc
    finally:
        handle.close()
    for c in counts:
        print(_tr("{register}: {n} rows, {level}").format(
            register=c.register, n=c.rows, level=c.classification))
    return 0


def _log_protected_export(args, handle) -> bool:
    """--include-protected: the audit trail records who exported the protected sources."""
    if not getattr(args, "include_protected", False):
        return False
    from missiondesk.services.sources import EXPORTED_PROTECTED, log_protected_access

    with handle.unit_of_work() as uow:
        log_protected_access(uow, EXPORTED_PROTECTED)
    return True


# --- network (helper D) ---


def _export_graph(args) -> int:
    """export --format graphml|gexf: the whole relationship network, ended and undated
    relationships included, each actor's metrics as attributes (GEXF dynamic, for Gephi's
    timeline), with the saved map positions (the rest laid out on today's network, nothing
    saved) and the category colours in GEXF."""
    from missiondesk.services import network

    handle = _open(args, args.file)
    try:
        graph = network.build_export_graph(handle)
        today = network.build_graph(handle) if args.format == "gexf" else None
        saved = network.saved_positions(handle)
    finally:
        handle.close()
    classification = graph.graph["classification"]
    try:
        if args.format == "graphml":
            target = sys.stdout.buffer if str(args.output) == "-" else args.output
            network.write_graphml(graph, target, classification=classification)
        else:
            from missiondesk.figures.network_map import node_colours

            positions = network.layout(
                today, positions={k: (x, y) for k, (x, y, _) in saved.items() if k in today})
            target = sys.stdout.buffer if str(args.output) == "-" else args.output
            network.write_gexf(graph, target, classification=classification,
                               positions=positions, colours=node_colours(graph))
    except BrokenPipeError:
        raise  # `-o - | head`: main exits quietly
    except OSError as exc:
        raise UserError(_tr("Cannot write {path}.").format(path=args.output)) from exc
    return 0


def cmd_network(args) -> int:
    from missiondesk.services import network

    if args.top < 1:
        raise UserError(_tr("--top must be 1 or more."))
    handle = _open(args, args.file)
    try:
        graph = network.build_graph(handle, network.GraphFilter(as_of=args.as_of))
    finally:
        handle.close()
    metrics = network.network_metrics(graph)
    if args.json:
        print(json.dumps(network.network_json(graph, metrics, args.top), ensure_ascii=False,
                         indent=2))
        return 0
    nodes, top = metrics.nodes, args.top
    marking = graph.graph["classification"]
    print(marking)
    print(_tr("{nodes} stakeholders, {edges} relationships.").format(
        nodes=graph.number_of_nodes(), edges=graph.number_of_edges()))
    sections = (
        (_tr("Brokers: actors that connect groups which otherwise do not talk."),
         metrics.brokers),
        (_tr("Most influential: actors many others depend on, through cooperative and "
             "structural links."), metrics.most_influential),
        (_tr("Most contested: actors at the centre of adversarial links."),
         metrics.most_contested),
    )
    for heading, ids in sections:
        print()
        print(heading)
        if not ids:
            print("  " + _tr("none"))
        for rank, sid in enumerate(ids[:top], 1):
            print("  %d. %s" % (rank, nodes[sid].name))
    print()
    print(_tr("Clusters: groups of actors more linked among themselves than with others."))
    clusters = [c for c in metrics.communities if len(c) > 1]
    if not clusters:
        print("  " + _tr("none"))
    for rank, members in enumerate(clusters[:top], 1):
        shown = "; ".join(nodes[sid].name for sid in members[:5])
        more = len(members) - 5
        print("  %d. %s" % (rank, _tr("{n} actors: {names}").format(n=len(members),
                                                                     names=shown)
                            + (_tr(" and {n} more").format(n=more) if more > 0 else "")))
    if metrics.sampled:
        print()
        print(_tr("Brokers were estimated from a sample of {n} actors (fixed, so repeatable)."
                  ).format(n=network.SAMPLE_SOURCES))
    print(marking)
    return 0


# --- end network ---


# --- search (E4) ---


def cmd_search(args) -> int:
    from missiondesk.services import search

    if args.limit < 1:
        raise UserError(_tr("--limit must be 1 or more."))
    handle = _open(args, args.file)
    try:
        hits = search.search(handle, args.query, limit_per_kind=args.limit)
    finally:
        handle.close()
    marking = search.highest_classification(hits)
    if args.json:
        print(json.dumps({"classification": marking, "results": [h.as_json() for h in hits]},
                         ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print(_tr("Nothing matches {query}.").format(query=args.query))
        return 0
    print(marking)
    headings = {"stakeholder": _tr("Stakeholders"), "engagement": _tr("Engagements"),
                "commitment": _tr("Commitments"), "source": _tr("Sources")}
    kind = None
    for hit in hits:
        if hit.kind != kind:
            if kind is not None:
                print()
            kind = hit.kind
            print(headings.get(kind, kind))
        dated = hit.when is not None and kind in ("engagement", "commitment")
        print("  %-10s  %s" % (hit.when.strftime("%Y-%m-%d") if dated else "", hit.title))
        if hit.snippet:
            print("  %-10s    %s" % ("", hit.snippet))
    print(marking)
    return 0


# --- end search ---


def _read_import_table(path: Path, importer):
    """Read a CSV/XLSX table and check its columns, before any mission file is touched."""
    from missiondesk.messages import table_import_error_text
    from missiondesk.services.stakeholder_import import column_letter
    from missiondesk.services.table_io import read_table
    from missiondesk.store.errors import BadImport

    try:  # an importer may read its own sheet of a workbook first
        raw = getattr(importer, "read_import_table", read_table)(path)
    except BadImport as exc:
        raise UserError(table_import_error_text(exc.params["problems"])) from exc
    unknown = importer.unrecognised_headers(raw.headers)
    if unknown:
        raise UserError(table_import_error_text([
            ("unknown_column", {"column": raw.headers[i], "letter": column_letter(i),
                                "allowed": list(importer.KNOWN_COLUMNS)}) for i in unknown]))
    return raw


def _import_tables(args) -> int:
    """--stakeholders and/or --relationships: stakeholders first, then relationships (which
    may name the stakeholders just imported), in one unit of work."""
    from missiondesk.messages import (
        relationship_value_labels,
        stakeholder_value_labels,
        table_import_error_text,
    )
    from missiondesk.services import relationship_import
    from missiondesk.services import stakeholder_import as importer
    from missiondesk.store.handle import NewMission, create_mission, publish_mission
    from missiondesk.store.schema import new_id

    people = (_read_import_table(args.stakeholders, importer)
              if args.stakeholders is not None else None)
    links = (_read_import_table(args.relationships, relationship_import)
             if args.relationships is not None else None)
    from missiondesk.services import engagement_import

    meetings = (_read_import_table(args.engagements, engagement_import)
                if getattr(args, "engagements", None) is not None else None)
    meetings_plan = meeting_counts = None
    from missiondesk.services import measurement_import

    readings = (_read_import_table(args.measurements, measurement_import)
                if getattr(args, "measurements", None) is not None else None)
    readings_plan = reading_counts = None
    created = not args.file.exists()
    if created:  # built beside under a partial name, moved into place once committed
        handle = create_mission(args.file, passphrase_for_new(args, args.file),
                                NewMission(name=args.file.stem), pending=True)
        handle.set_user(None, "command line")
    else:
        handle = _open(args, args.file)
    plan = links_plan = None
    try:
        pending = []
        if people is not None:
            plan = importer.plan_stakeholder_import(handle, people,
                                                    importer.map_headers(people.headers),
                                                    labels=stakeholder_value_labels())
            if plan.problems:
                raise UserError(table_import_error_text(plan.problems,
                                                        total=plan.problem_count))
            for fields in plan.creates:  # ids given now, so relationships can name them
                fields["id"] = new_id()
                pending.append((fields["id"], fields["name"], fields.get("aliases", [])))
            for stakeholder_id, _revision, changes in plan.updates:
                if changes.get("aliases"):
                    current = next(r for r in plan.rows if r.stakeholder_id == stakeholder_id)
                    pending.append((stakeholder_id, current.name, changes["aliases"]))
        if links is not None:
            links_plan = relationship_import.plan_relationship_import(
                handle, links, relationship_import.map_headers(links.headers),
                labels=relationship_value_labels(), pending=pending)
            if links_plan.problems:
                raise UserError(table_import_error_text(links_plan.problems,
                                                        total=links_plan.problem_count))
        if meetings is not None:  # engagements may name the stakeholders just imported
            meetings_plan = engagement_import.plan_engagement_import(
                handle, meetings, engagement_import.map_headers(meetings.headers),
                pending=pending)
            if meetings_plan.problems:
                raise UserError(table_import_error_text(meetings_plan.problems,
                                                        total=meetings_plan.problem_count))
        if readings is not None:  # indicators are the mission's own: named by name
            readings_plan = measurement_import.plan_measurement_import(
                handle, readings, measurement_import.map_headers(readings.headers))
            if readings_plan.problems:
                raise UserError(table_import_error_text(readings_plan.problems,
                                                        total=readings_plan.problem_count))
        with handle.unit_of_work() as uow:
            counts = importer.apply_stakeholder_import(uow, plan) if plan else None
            link_counts = (relationship_import.apply_relationship_import(uow, links_plan)
                           if links_plan else None)
            meeting_counts = (engagement_import.apply_engagement_import(uow, meetings_plan)
                              if meetings_plan else None)
            reading_counts = (measurement_import.apply_measurement_import(uow, readings_plan)
                              if readings_plan else None)
    except BaseException:
        handle.close()  # a new file's partial is discarded with it
        raise
    if created:
        publish_mission(handle)
    else:
        handle.close()
    if counts is not None:
        print(_tr("Stakeholders imported: {created} created, {updated} updated, {same} "
                  "unchanged.").format(created=counts["created"], updated=counts["updated"],
                                       same=plan.unchanged))
    if link_counts is not None:
        print(_tr("Relationships imported: {created} created, {updated} updated, {same} "
                  "unchanged.").format(created=link_counts["created"],
                                       updated=link_counts["updated"],
                                       same=links_plan.unchanged))
    if meeting_counts is not None:
        print(_tr("Engagements imported: {created} created, {same} already recorded.").format(
            created=meeting_counts["created"], same=meetings_plan.unchanged))
    if reading_counts is not None:
        print(_tr("Measurements imported: {created} created, {updated} updated, {same} "
                  "unchanged.").format(created=reading_counts["created"],
                                       updated=reading_counts["updated"],
                                       same=readings_plan.unchanged))
    return 0


def cmd_import(args) -> int:
    from missiondesk.services.interchange import import_mission
    from missiondesk.store.handle import NewMission, create_mission, publish_mission

    tables = (args.stakeholders, args.relationships, getattr(args, "engagements", None),
              getattr(args, "measurements", None))
    if args.json is not None and any(t is not None for t in tables):
        raise UserError(_tr("Give either --json or tables (--stakeholders, --relationships, "
                            "--engagements, --measurements), not both."))
    if any(t is not None for t in tables):
        return _import_tables(args)
    if args.json is None:
        raise UserError(_tr("Say what to import: --json X, --stakeholders F, "
                            "--relationships F, --engagements F or --measurements F."))
    try:
        data = json.loads(args.json.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(_tr("Cannot read {path}.").format(path=args.json)) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(_tr("{path} is not valid JSON.").format(path=args.json)) from exc
    except RecursionError as exc:  # lists within lists, thousands deep: not an export
        raise UserError(_tr("{path} is nested too deeply to be a MissionDesk export."
                            ).format(path=args.json)) from exc
    created = not args.file.exists()
    if created:  # built beside under a partial name, moved into place once committed
        handle = create_mission(args.file, passphrase_for_new(args, args.file),
                                NewMission(name="import"), pending=True)
        handle.set_user(None, "command line")
    else:
        handle = _open(args, args.file)
    try:
        with handle.unit_of_work() as uow:
            counts = import_mission(uow, data)
    except BaseException:
        handle.close()  # a new file's partial is discarded with it
        raise
    if created:
        publish_mission(handle)
    else:
        handle.close()
    print(_tr("Imported {n} records.").format(n=sum(counts.values())))
    return 0


def cmd_rekey(args) -> int:
    from missiondesk.store.engine import inspect_file
    from missiondesk.store.rekey import rekey_file

    encrypted = inspect_file(args.file)
    old = None
    if encrypted:
        old = passphrase_for_open(args, args.file)
    if args.remove:
        if sys.stdin.isatty():
            answer = input(_tr("Store {name} unencrypted? Anyone with the file can then read "
                               "it. Type yes to confirm: ").format(name=args.file.name))
            if answer.strip().lower() != "yes":
                raise UserError(_tr("Nothing was changed."))
        new = None
    elif args.new_passphrase_file:
        new = _read_first_line(args.new_passphrase_file)
        if not new:
            raise UserError(_tr("The passphrase is empty; nothing was changed."))
    elif sys.stdin.isatty():
        new = getpass.getpass(_tr("New passphrase: "))
        if new != getpass.getpass(_tr("Repeat the new passphrase: ")):
            raise UserError(_tr("The two passphrases differ; nothing was changed."))
        if not new:
            raise UserError(_tr("The passphrase is empty; nothing was changed."))
    else:
        raise UserError(_tr("Give the new passphrase with --new-passphrase-file, or --remove."))
    if new is not None:  # as long as the GUI asks, before anything is touched
        from missiondesk.store.passphrase import check_new_passphrase

        new = check_new_passphrase(new)
    from missiondesk.services import backups

    # Its backups follow, as in the GUI: found by the mission's identity, read before.
    mission_id = backups.file_mission_id(args.file, old)
    rekey_file(args.file, old, new, break_lock=args.break_lock)
    name = args.file.name
    if new is None:
        print(_tr("{name} is now stored unencrypted.").format(name=name))
    elif old is None:
        print(_tr("{name} is now encrypted.").format(name=name))
    else:
        print(_tr("The passphrase of {name} was changed.").format(name=name))
    report = backups.rekey_backups(args.file, old, new, mission_id=mission_id)
    if report.rekeyed or report.removed:
        print(_tr("Its backups follow: {rekeyed} re-encrypted, {removed} unencrypted ones "
                  "removed.").format(rekeyed=report.rekeyed, removed=report.removed))
    if report.skipped:
        print(_tr("{n} older backup(s) use an earlier passphrase and were left as they are."
                  ).format(n=report.skipped), file=sys.stderr)
    return 0


COMMANDS = {"demo": cmd_demo, "check": cmd_check, "export": cmd_export, "import": cmd_import,
            "network": cmd_network, "rekey": cmd_rekey}
COMMANDS["search"] = cmd_search


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--layout-worker"]:  # a bundled build's layout child (layout_worker.py)
        from missiondesk.services.network.layout_worker import main as layout_worker

        return layout_worker()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from missiondesk.store.passphrase import take_env_passphrase

    # Read once and removed from the environment (child processes and later code never see
    # it); it serves the one command, or the GUI's first open only.
    env_passphrase = take_env_passphrase()
    if argv and argv[0] in SUBCOMMANDS:
        args = build_parser().parse_args(argv)
        args.env_passphrase = env_passphrase
        try:
            status = run_command(args)
            sys.stdout.flush()  # a closed pipe shows here, not as noise at exit
        except BrokenPipeError:
            return _stdout_closed()
        return status
    if argv and argv[0] in ("-h", "--help"):
        build_parser().print_help()
        return 0
    args = build_gui_parser().parse_args(argv)
    from missiondesk.ui.app import run_gui

    return run_gui(args.file, passphrase=env_passphrase)


def run_command(args) -> int:
    from missiondesk.messages import error_text
    from missiondesk.store.errors import MissionError

    try:
        return COMMANDS[args.command](args)
    except MissionError as exc:
        print(error_text(exc), file=sys.stderr)
        if exc.params.get("breakable") and hasattr(args, "break_lock"):
            print(_tr("If MissionDesk no longer runs there (a power cut, or a file brought "
                      "from another laptop), add --break-lock to open it anyway."),
                  file=sys.stderr)
        return 1
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_tr("Interrupted; nothing was changed."), file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # the reader went away (`check | head -1`): main exits quietly
    except Exception as exc:  # noqa: BLE001 -- a bug: type and frames logged, never the message
        from missiondesk.safe_traceback import describe

        logging.getLogger("missiondesk").error(
            "unexpected error:\n%s", describe(type(exc), exc, exc.__traceback__))
        print(_tr("The command stopped on an unexpected error ({name}); the mission file "
                  "keeps what was saved before it.").format(name=type(exc).__name__),
              file=sys.stderr)
        return 1


def _stdout_closed() -> int:
    """The standard recipe for a closed pipe: no traceback, and no second error when
    Python flushes standard output at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass
    return 1


if __name__ == "__main__":
    sys.exit(main())
