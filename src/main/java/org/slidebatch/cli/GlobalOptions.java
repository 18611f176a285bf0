package org.slidebatch.cli;

import org.slidebatch.workspace.Workspace;

import picocli.CommandLine.ParentCommand;

/** Base of subcommands that use the inherited --workspace/--db options. */
abstract class GlobalOptions {

    @ParentCommand
    SlidebatchMain main;

    Workspace workspace() {
        return Workspace.resolve(main.workspace);
    }

    BatchContext openContext() {
        return BatchContext.open(workspace(), main.db);
    }
}
