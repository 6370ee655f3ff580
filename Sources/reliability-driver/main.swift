import Foundation

// reliability-driver stress [--edits N] [--seed S] --out DIR [--model M --palette P]
// reliability-driver crash-paint --seed S --state DIR --out DIR --log FILE   (runs until killed)
// reliability-driver crash-check --seeds S[,S2] --logs FILE[,FILE2] --state DIR --out DIR
// reliability-driver save-race --seed S --state DIR --out DIR --log FILE [--saves N]   (several at once)
// reliability-driver save-check --seeds S,S2 --logs FILE,FILE2 --state DIR --out DIR
// reliability-driver save-once --out DIR --state DIR [--edits N]
// reliability-driver unwritable-paint --state DIR --out DIR
// reliability-driver model-gone --model COPY_OF_A_MODEL
let arguments = CommandLine.arguments
do {
    guard arguments.count >= 2 else {
        throw DriverError(
            "usage: reliability-driver stress|crash-paint|crash-check|save-race|save-check|save-once|model-gone --name value ..."
        )
    }
    let options = try Options(arguments.dropFirst(2))
    switch arguments[1] {
    case "stress": try Stress.run(options)
    case "crash-paint": try Crash.paint(options)
    case "crash-check": try Crash.check(options)
    case "save-race": try SaveRace.paint(options)
    case "save-check": try SaveRace.check(options)
    case "save-once": try Resources.saveOnce(options)
    case "unwritable-paint": try Resources.unwritablePaint(options)
    case "model-gone": try Resources.modelGone(options)
    default: throw DriverError("unknown mode '\(arguments[1])'")
    }
} catch {
    FileHandle.standardError.write(Data("reliability-driver: \(error)\n".utf8))
    exit(1)
}
