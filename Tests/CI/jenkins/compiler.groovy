// groovyc --configscript: compile the shared-library step as a script of PipelineStubs, type
// checked so that a call to a step the stubs lack (a misspelt or missing pipeline step) is a
// compile error; values read from JSON (readJSON's maps) stay dynamic (pipeline_checks.groovy).
import groovy.transform.TypeChecked

configuration.scriptBaseClass = 'PipelineStubs'
withConfig(configuration) {
    ast(TypeChecked, extensions: ['pipeline_checks.groovy'])
}
