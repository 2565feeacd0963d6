#!/usr/bin/env python3
"""npuc --precision-plan: points per layer under an output error budget.

    precision_plan.py BIN_DIR MODELS_DIR WORK_DIR --flatc FLATC --schema FBS

On ResNet-8's logits (cut before the final SOFTMAX, tflite_cut.py) on a
4-bit array, plans with the first five sample images of tests/models as
calibration inputs, for both objectives and budgets of 15, 20 and 25 dB,
and checks:

  * the plan meets its budget on the calibration inputs (as the report
    says) and on the five other images, which it never saw (the SQNR of
    the planned program's logits against the exact program's, computed
    here from npusim's outputs);
  * with --rescale=wess a 20 dB plan still holds against the exact
    program on the held-out images (WESS's error is spent first), and a
    budget the rescale mode alone misses is refused;
  * a looser budget never costs more: the plans' costs fall with the
    budget, stay within [one point everywhere, exact], and the loosest
    budget puts at least one layer at one point;
  * the report gives every planned layer its points, saving, noise, the
    brute-force SQNR with the layer alone at one point and its dual
    variable (also on the report's layer entries, whose points agree),
    and the dual variables rank the layers like the brute-force
    sensitivities (Spearman's correlation above zero; printed);
  * the planned program's tile outputs equal its golden ones;
  * every bundled network (model_cases.py's TOSA and real networks) plans
    at 20 dB on npu-base with its first sample as calibration input (and
    ResNet-8 also on npu-tiny and npu-large): the plan meets the budget on
    that input, and the planned program's golden and tile outputs agree;
  * on a 2-bit array (1 to 4 points per layer) a 20 dB plan holds on the
    held-out images, runs tile = golden and its dual variables rank like
    the brute-force sensitivities;
  * --rescale=auto lets the planner choose each layer's rescale mode too:
    on the 8-bit array an energy plan at 20 dB holds on the held-out
    images, saves energy, uses a cheaper mode somewhere, agrees with the
    report's layer modes and replays through --rescale-plan;
  * --weight-points=auto with --error-budget plans pass groups (array.cols
    output channels) the same way: the plan names groups, meets 20 dB on
    the held-out images, runs tile = golden, and replays through
    --weight-point-plan to the same program;
  * bad uses are refused in one line.
"""
import json
import os
import sys

import model_cases
import npyio
import tflite_cut
from rescale_modes import (Failure, e2e_args, expect_one_line_errors,
                           golden_equals_tile, run, run_checks, sample_npys,
                           simulate, sqnr_db)

FOUR = ["--set", "array.weight_bits=4"]
TWO = ["--set", "array.weight_bits=2"]
BUDGETS = (15.0, 20.0, 25.0)


def logits_of(npusim, prog, inputs, work, engine=("--golden",), arch=FOUR):
    """(zero point, values) of PROG's single output for each input."""
    return [simulate(npusim, prog, inp, os.path.join(work, "out-%d" % i),
                     ["--arch", "npu-base"] + arch + list(engine))[0]
            for i, inp in enumerate(inputs)]


def check_plans(args, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    logits_model = os.path.join(work, "resnet8_logits.tflite")
    tflite_cut.cut_before_last(
        os.path.join(args.models,
                     "resnet8_cifar10/pretrainedResnet_quant.tflite"),
        logits_model, args.flatc, args.schema)
    samples = os.path.join(args.models, "resnet8_cifar10", "inputs")
    calib = os.path.join(work, "calib")
    os.makedirs(calib)
    held = []
    for k, entry in enumerate(sorted(os.listdir(samples))):
        with open(os.path.join(samples, entry), "rb") as handle:
            values = [b - 256 if b > 127 else b for b in handle.read()]
        path = os.path.join(calib if k < 5 else work, entry[:-4] + ".npy")
        npyio.write_npy(path, "i8", (1, 32, 32, 3), values)
        if k >= 5:
            held.append(path)
    exact = os.path.join(work, "exact.bin")
    run([npuc, logits_model, "-o", exact] + FOUR)
    reference = logits_of(npusim, exact, held, work)
    ref = [v for _, values in reference for v in values]
    zero_point = reference[0][0]

    for objective in ("cycles", "energy"):
        costs = []
        for budget in BUDGETS:
            report = os.path.join(work, "plan-%s-%g.json" % (objective,
                                                             budget))
            prog = os.path.join(work, "plan.bin")
            run([npuc, logits_model, "--precision-plan=" + objective,
                 "--error-budget=%g" % budget, "--calib=" + calib,
                 "--quant-report=" + report, "-o", prog] + FOUR)
            with open(report) as handle:
                full_report = json.load(handle)
            plan = full_report["plan"]
            # The report's layer entries carry the plan's per-layer figures.
            planned = {layer["name"]: layer for layer in plan["layers"]}
            for entry in full_report["layers"]:
                if entry["name"] in planned and (
                        entry.get("dual", "missing") !=
                        planned[entry["name"]]["dual"] or
                        entry["weight_points"]["max"] !=
                        planned[entry["name"]]["points"]):
                    raise Failure("%s %g dB: report layer %s disagrees with "
                                  "the plan" % (objective, budget,
                                                entry["name"]))
            calib_sqnr = plan["calibration_sqnr_db"]
            if calib_sqnr is not None and calib_sqnr < budget:
                raise Failure("%s %g dB: calibration SQNR %.2f dB" % (
                    objective, budget, calib_sqnr))
            got = logits_of(npusim, prog, held, work)
            held_sqnr = sqnr_db(ref, [v for _, vs in got for v in vs],
                                zero_point)
            if held_sqnr < budget:
                raise Failure("%s %g dB: the plan misses its budget on the "
                              "held-out images: %.2f dB" % (
                                  objective, budget, held_sqnr))
            tile = logits_of(npusim, prog, held[:1], work,
                             ["--array-model", "tile"])
            if tile != got[:1]:
                raise Failure("%s %g dB: tile outputs differ from golden"
                              % (objective, budget))
            if not (plan["one_point_cost"] <= plan["cost"] <=
                    plan["exact_cost"]):
                raise Failure("%s %g dB: cost %s outside [%s, %s]" % (
                    objective, budget, plan["cost"], plan["one_point_cost"],
                    plan["exact_cost"]))
            for layer in plan["layers"]:
                keys = ("name", "points", "saving", "noise", "alone_sqnr_db",
                        "dual")
                if any(key not in layer for key in keys) or \
                        layer["points"] not in (1, 2):
                    raise Failure("%s: plan layer %s" % (objective, layer))
            rho = plan["dual_rank_correlation"]
            if rho is None or not rho > 0:
                raise Failure("%s: dual variables against brute-force "
                              "sensitivity: rank correlation %s" % (
                                  objective, rho))
            ones = sum(layer["points"] == 1 for layer in plan["layers"])
            costs.append((plan["cost"], ones))
            print("resnet8 %-6s budget %4.1f dB: %2d of %d layers at one "
                  "point, cost %.0f (exact %.0f), SQNR calibration %s / "
                  "held-out %.2f dB, dual rank correlation %.2f" % (
                      objective, budget, ones, len(plan["layers"]),
                      plan["cost"], plan["exact_cost"],
                      "exact" if calib_sqnr is None else "%.2f" % calib_sqnr,
                      held_sqnr, rho))
        if [c for c, _ in costs] != sorted(c for c, _ in costs):
            raise Failure("%s: a tighter budget costs less: %s" % (
                objective, costs))
        if costs[0][1] == 0:
            raise Failure("%s: the loosest budget keeps every layer exact"
                          % objective)
    # With a lossy --rescale the budget still holds against the exact
    # program: WESS's own error is spent first.
    prog = os.path.join(work, "plan-wess.bin")
    report = os.path.join(work, "plan-wess.json")
    run([npuc, logits_model, "--rescale=wess", "--precision-plan=cycles",
         "--error-budget=20", "--calib=" + calib, "--quant-report=" + report,
         "-o", prog] + FOUR)
    got = logits_of(npusim, prog, held, work)
    held_sqnr = sqnr_db(ref, [v for _, vs in got for v in vs], zero_point)
    with open(report) as handle:
        cost = json.load(handle)["plan"]["cost"]
    if held_sqnr < 20:
        raise Failure("wess 20 dB: held-out SQNR %.2f dB" % held_sqnr)
    print("resnet8 cycles budget 20.0 dB with --rescale=wess: cost %.0f, "
          "held-out %.2f dB" % (cost, held_sqnr))
    check_two_bit(npuc, npusim, logits_model, calib, held, ref, zero_point,
                  work)
    check_rescale_auto(npuc, npusim, logits_model, calib, held, ref,
                       zero_point, work)
    return logits_model, calib


def check_rescale_auto(npuc, npusim, logits_model, calib, held, ref,
                       zero_point, work):
    """--rescale=auto: the planner also chooses each layer's rescale mode.
    On the 8-bit array (modes are the only choice) an energy plan at 20 dB
    meets its budget on the held-out images, saves energy (the per-channel
    tables it drops), sets at least one layer to per-layer or wess, and
    the quant report's layer modes agree with the plan; --rescale-plan
    replays it to the same program; tile = golden."""
    prog = os.path.join(work, "plan-auto.bin")
    report = os.path.join(work, "plan-auto.json")
    run([npuc, logits_model, "--rescale=auto", "--precision-plan=energy",
         "--error-budget=20", "--calib=" + calib, "--quant-report=" + report,
         "-o", prog])
    with open(report) as handle:
        full_report = json.load(handle)
    plan = full_report["plan"]
    modes = [layer["rescale"] for layer in plan["layers"]]
    if plan["rescale_plan"] != modes:
        raise Failure("--rescale=auto: rescale_plan %s, layers %s" % (
            plan["rescale_plan"], modes))
    if set(modes) <= {"exact"} or not set(modes) <= {"exact", "per-layer",
                                                      "wess"}:
        raise Failure("--rescale=auto: modes %s" % modes)
    reported = {entry["name"]: entry["mode"] for entry in
                full_report["layers"]}
    for layer in plan["layers"]:
        if reported.get(layer["name"]) != layer["rescale"]:
            raise Failure("--rescale=auto: report layer %s has mode %s, "
                          "the plan %s" % (layer["name"],
                                           reported.get(layer["name"]),
                                           layer["rescale"]))
    if not plan["cost"] < plan["exact_cost"]:
        raise Failure("--rescale=auto: cost %s, exact %s" % (
            plan["cost"], plan["exact_cost"]))
    got = logits_of(npusim, prog, held, work, arch=[])
    held_sqnr = sqnr_db(ref, [v for _, vs in got for v in vs], zero_point)
    if held_sqnr < 20:
        raise Failure("--rescale=auto 20 dB: held-out SQNR %.2f dB"
                      % held_sqnr)
    tile = logits_of(npusim, prog, held[:1], work, ["--array-model", "tile"],
                     arch=[])
    if tile != got[:1]:
        raise Failure("--rescale=auto: tile outputs differ from golden")
    replay = os.path.join(work, "plan-auto-replay.bin")
    run([npuc, logits_model, "--rescale=auto",
         "--rescale-plan=" + ",".join(modes), "-o", replay])
    with open(prog, "rb") as a, open(replay, "rb") as b:
        if a.read() != b.read():
            raise Failure("--rescale-plan does not replay the plan")
    print("resnet8 8-bit energy budget 20.0 dB with --rescale=auto: modes "
          "%s, cost %.0f pJ (exact %.0f), held-out %.2f dB" % (
              modes, plan["cost"], plan["exact_cost"], held_sqnr))


def check_two_bit(npuc, npusim, logits_model, calib, held, ref, zero_point,
                  work):
    """On a 2-bit array each layer takes 1 to 4 points: the plan meets 20 dB
    on the held-out images, its layers' points lie in 1..4 (some below 4),
    tile = golden, and the dual variables still rank like the brute-force
    sensitivities. (The exact references above are the 8-bit program's
    logits, which four 2-bit points reproduce bit for bit.)"""
    prog = os.path.join(work, "plan-2bit.bin")
    report = os.path.join(work, "plan-2bit.json")
    run([npuc, logits_model, "--precision-plan=cycles", "--error-budget=20",
         "--calib=" + calib, "--quant-report=" + report, "-o", prog] + TWO)
    with open(report) as handle:
        plan = json.load(handle)["plan"]
    got = logits_of(npusim, prog, held, work, arch=TWO)
    held_sqnr = sqnr_db(ref, [v for _, vs in got for v in vs], zero_point)
    if held_sqnr < 20:
        raise Failure("2-bit 20 dB: held-out SQNR %.2f dB" % held_sqnr)
    points = [layer["points"] for layer in plan["layers"]]
    if not all(1 <= p <= 4 for p in points) or min(points) == 4:
        raise Failure("2-bit 20 dB: points per layer %s" % points)
    if not plan["one_point_cost"] <= plan["cost"] < plan["exact_cost"]:
        raise Failure("2-bit 20 dB: cost %s outside [%s, %s)" % (
            plan["cost"], plan["one_point_cost"], plan["exact_cost"]))
    tile = logits_of(npusim, prog, held[:1], work, ["--array-model", "tile"],
                     arch=TWO)
    if tile != got[:1]:
        raise Failure("2-bit 20 dB: tile outputs differ from golden")
    rho = plan["dual_rank_correlation"]
    if rho is None or not rho > 0:
        raise Failure("2-bit: dual rank correlation %s" % rho)
    print("resnet8 2-bit cycles budget 20.0 dB: points per layer %s, cost "
          "%.0f (exact %.0f, one point %.0f), held-out %.2f dB, dual rank "
          "correlation %.2f" % (points, plan["cost"], plan["exact_cost"],
                                plan["one_point_cost"], held_sqnr, rho))


def check_group_auto(args, work, logits_model, calib):
    """--weight-points=auto with --error-budget: points per pass group
    (array.cols output channels) chosen by output error."""
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    held = sorted(os.path.join(work, f) for f in os.listdir(work)
                  if f.startswith("cifar10_") and f.endswith(".npy"))
    exact = os.path.join(work, "exact.bin")
    reference = logits_of(npusim, exact, held, work)
    ref = [v for _, values in reference for v in values]
    prog = os.path.join(work, "auto-groups.bin")
    report = os.path.join(work, "auto-groups.json")
    run([npuc, logits_model, "--weight-points=auto", "--error-budget=20",
         "--calib=" + calib, "--quant-report=" + report, "-o", prog] + FOUR)
    with open(report) as handle:
        full = json.load(handle)
    plan = full["plan"]
    if not plan["layers"] or any("/g" not in unit["name"] or
                                 unit["points"] not in (1, 2)
                                 for unit in plan["layers"]):
        raise Failure("auto with a budget: the plan is not per pass group: "
                      "%s" % [u["name"] for u in plan["layers"]])
    got = logits_of(npusim, prog, held, work)
    held_sqnr = sqnr_db(ref, [v for _, vs in got for v in vs],
                        reference[0][0])
    if held_sqnr < 20:
        raise Failure("auto 20 dB: held-out SQNR %.2f dB" % held_sqnr)
    if logits_of(npusim, prog, held[:1], work,
                 ["--array-model", "tile"]) != got[:1]:
        raise Failure("auto 20 dB: tile outputs differ from golden")
    mixed = sum(layer["weight_points"]["min"] !=
                layer["weight_points"]["max"] for layer in full["layers"])
    # The plan replays through --weight-point-plan, one entry per group.
    replay = os.path.join(work, "auto-replay.bin")
    run([npuc, logits_model, "--weight-point-plan=" + ",".join(
        str(unit["points"]) for unit in plan["layers"]), "-o", replay] +
        FOUR)
    with open(prog, "rb") as a, open(replay, "rb") as b:
        if a.read() != b.read():
            raise Failure("the group plan does not replay to the same "
                          "program")
    print("resnet8 auto by output error, 20 dB: %d of %d pass groups at one "
          "point, %d layers mixed, cost %.0f (exact %.0f), held-out %.2f dB"
          % (sum(u["points"] == 1 for u in plan["layers"]),
             len(plan["layers"]), mixed, plan["cost"], plan["exact_cost"],
             held_sqnr))


def check_every_network(args, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    runs = 0
    for name, model, folder, shape, _ in (model_cases.TOSA_NETWORKS +
                                          model_cases.REAL_NETWORKS):
        calib = os.path.join(work, "every-calib-" + name)
        os.makedirs(calib)
        npy = sample_npys(args.models, folder, shape, 1, calib, "sample")[0]
        presets = (["npu-tiny", "npu-base", "npu-large"]
                   if folder == "resnet8_cifar10" else ["npu-base"])
        for preset in presets:
            prog = os.path.join(work, "every.bin")
            report = os.path.join(work, "every.json")
            run([npuc, os.path.join(args.models, model), "--arch", preset,
                 "--precision-plan=cycles", "--error-budget=20",
                 "--calib=" + calib, "--quant-report=" + report, "-o",
                 prog] + FOUR)
            with open(report) as handle:
                sqnr = json.load(handle)["plan"]["calibration_sqnr_db"]
            if sqnr is not None and sqnr < 20:
                raise Failure("%s %s: plan SQNR %.2f dB below 20 dB" % (
                    name, preset, sqnr))
            golden_equals_tile(npusim, prog, npy, work,
                               ["--arch", preset] + FOUR,
                               "%s %s planned program" % (name, preset))
            runs += 1
    print("every network: %d plans at 20 dB, golden = tile" % runs)


def check_refusals(args, model, calib, work):
    npuc = os.path.join(args.bin, "npuc")
    out = os.path.join(work, "x.bin")
    bad = [
        ([model, "--precision-plan=cycles", "--error-budget=20", "-o", out]
         + FOUR, "--precision-plan and --error-budget need --calib"),
        ([model, "--precision-plan=cycles", "--calib=" + calib, "-o", out]
         + FOUR, "--error-budget=DB goes with --precision-plan or "
                 "--weight-points=auto"),
        ([model, "--weight-points=auto", "--error-budget=20",
          "--weight-point-budget=30", "--calib=" + calib, "-o", out] + FOUR,
         "--weight-point-budget is auto's weight-error budget"),
        ([model, "--precision-plan=cycles", "--error-budget=20",
          "--calib=" + calib, "-o", out],
         "compile for a 4-bit or 2-bit array"),
        ([model, "--precision-plan=energy", "--error-budget=20",
          "--calib=" + calib, "--weight-points=1", "-o", out] + FOUR,
         "drop --weight-points"),
        ([model, "--rescale=auto", "-o", out],
         "--rescale=auto lets --precision-plan choose each layer's mode"),
        ([model, "--rescale=auto", "--weight-points=auto",
          "--error-budget=20", "--calib=" + calib, "-o", out] + FOUR,
         "--rescale=auto lets --precision-plan choose each layer's mode"),
        ([model, "--rescale-plan=exact", "-o", out],
         "--rescale-plan gives the modes: with --rescale=auto"),
        ([model, "--rescale=auto", "--rescale-plan=exact", "-o", out],
         "error: the rescale plan lists 1 modes"),
        ([model, "--precision-plan=cycles", "--error-budget=40",
          "--rescale=per-layer", "--calib=" + calib, "-o", out] + FOUR,
         "(the --rescale mode spends it)"),
    ]
    expect_one_line_errors(npuc, bad)


def main():
    args = e2e_args(__doc__)

    def checks():
        model, calib = check_plans(args, args.work)
        check_group_auto(args, args.work, model, calib)
        check_refusals(args, model, calib, args.work)
        check_every_network(args, args.work)
    return run_checks("precision_plan", checks)


if __name__ == "__main__":
    sys.exit(main())
