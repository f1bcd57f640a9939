// Runs the compiled ecrPublish step once: groovy -cp CLASSES run_step.groovy REQUEST.json
// REQUEST: {"workspace": DIR, "environment": {...}, "credentials": {...}, "parameters": {...}}
// Prints {"result": <what the step returned> | null, "error": message | null, "calls": [...]}.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

def request = new JsonSlurper().parse(new File(args[0]))
PipelineStubs.workspace = request.workspace
PipelineStubs.environment = new LinkedHashMap(request.environment ?: [:])
PipelineStubs.credentials = request.credentials ?: [:]
def step = this.class.classLoader.loadClass('ecrPublish').newInstance()
def result = null
def failure = null
try {
    result = step.call(request.parameters ?: [:])
} catch (StepError error) {
    failure = error.message
}
println JsonOutput.toJson([result: result == null ? null : result.findAll { it.key != 'report' }, error: failure, calls: PipelineStubs.calls])
