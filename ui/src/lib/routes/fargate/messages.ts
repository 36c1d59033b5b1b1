// The fargate route's words, in English and Spanish: its form, the fields its errors name and the
// kinds it plans, merged into the catalogs by ../messages.ts; and its rules' texts, its own.
import type { FargateRule } from "../../bindings";
import type { Lang } from "../../i18n";

export const en = {
  "route.fargate": "ECS Fargate tasks behind a load balancer, with Redis",
  "field.route.fargate": "the Fargate service",
  "field.route.fargate.cpu": "the task's CPU",
  "field.route.fargate.memory": "the task's memory",
  "field.route.fargate.platform": "the platform",
  "field.route.fargate.port": "the container port",
  "field.route.fargate.tasks": "the number of tasks",
  "field.route.fargate.tasks.min": "the minimum number of tasks",
  "field.route.fargate.tasks.desired": "the starting number of tasks",
  "field.route.fargate.tasks.max": "the maximum number of tasks",
  "field.route.fargate.healthCheckPath": "the health-check path",
  "field.route.fargate.subnets": "the tasks' subnets",
  "field.route.fargate.capacityProviders": "the capacity providers",
  "field.route.fargate.capacityProviders.fargateBase": "the FARGATE base",
  "field.route.fargate.capacityProviders.fargateWeight": "the FARGATE weight",
  "field.route.fargate.capacityProviders.spotWeight": "the FARGATE_SPOT weight",
  "field.route.fargate.scaling.targetTracking.target": "the scaling target",
  "field.route.fargate.scaling.targetTracking.scaleOutCooldownSeconds": "the scale-out cooldown",
  "field.route.fargate.scaling.targetTracking.scaleInCooldownSeconds": "the scale-in cooldown",
  "field.route.fargate.scaling.scheduled.name.item": "the name of scheduled action {n}",
  "field.route.fargate.scaling.scheduled.cron.item": "the cron expression of scheduled action {n}",
  "field.route.fargate.scaling.scheduled.tasks.item": "the tasks of scheduled action {n}",
  "field.route.fargate.scaling.scheduled.tasks.min.item": "the minimum tasks of scheduled action {n}",
  "field.route.fargate.scaling.scheduled.tasks.max.item": "the maximum tasks of scheduled action {n}",
  "field.route.fargate.redis": "Redis between the tasks",
  "field.route.fargate.redis.nodeType": "the Redis node type",
  "field.route.fargate.redis.replicas": "the Redis replicas",
  "field.route.fargate.logRetentionDays": "the log retention",
  "field.route.fargate.deregistrationDelaySeconds": "the deregistration delay",
  "kind.EcrRepository": "Container repositories",
  "kind.ContainerImage": "Container images",
  "kind.LogGroup": "Log groups",
  "kind.CacheSubnetGroup": "Redis subnet groups",
  "kind.ReplicationGroup": "Redis replication groups",
  "kind.EcsCluster": "ECS clusters",
  "kind.TaskDefinition": "Task definitions",
  "kind.EcsService": "ECS services",
  "kind.ScalableTarget": "Scalable targets",
  "kind.ServiceScalingPolicy": "Service scaling policies",
  "kind.ServiceScheduledAction": "Service scheduled actions",
  "scale.route.fargate": "ECS Fargate service",
  "dashboard.group.fargate": "ECS service",
  "dashboard.running.fargate": "Running tasks",
  "dashboard.sandboxMetrics.fargate":
    "The sandbox runs each task as a chat server process on this machine, with a real Redis: CPU is what the process really uses, the load balancer serves on loopback, and Application Auto Scaling's policies act as AWS's do.",
  "dashboard.loadSandbox.fargate":
    "Chat clients connect through the sandbox's load balancer, each pinned to one task by its cookie, and send messages to their rooms. Each message costs its task CPU to store, publish through Redis and deliver, so the service's CPU follows the message rate; tasks started later serve the clients that connect later.",
  "scale.route.fargateHelp":
    "The chat in containers on Fargate behind an Application Load Balancer with sticky sessions; Redis carries messages between the tasks, and Application Auto Scaling adds and removes tasks.",
  "scale.fargate.container": "Container",
  "scale.fargate.size": "Task size",
  "scale.fargate.size.group": "{cpu} vCPU per task",
  "scale.fargate.size.option": "{cpu} vCPU · {memory} GB",
  "scale.fargate.sizeHelp": "CPU and memory per task, in the pairs Fargate runs; Fargate charges per vCPU and GB per hour.",
  "scale.fargate.platform": "Platform",
  "scale.fargate.platform.linux/amd64": "Intel or AMD x86-64 (linux/amd64)",
  "scale.fargate.platform.linux/arm64": "AWS Graviton, Arm (linux/arm64)",
  "scale.fargate.platformHelp": "The image is built for this platform; Graviton costs about 20% less per vCPU and GB.",
  "scale.fargate.port": "Container port",
  "scale.fargate.healthCheckPath": "Health-check path",
  "scale.fargate.containerHelp":
    "The port the chat listens on, and the path the load balancer asks each task for: a task that doesn't answer 200 is replaced.",
  "scale.fargate.repository": "Image repository (ECR)",
  "scale.fargate.repository.immutableTags": "Immutable tags",
  "scale.fargate.repository.immutableTagsHelp":
    "A pushed tag can't be pushed again with other content, so the image the service runs is the one that was reviewed.",
  "scale.fargate.repository.scanOnPush": "Scan each image on push",
  "scale.fargate.repository.scanOnPushHelp":
    "ECR checks each pushed image for known vulnerabilities (CVEs) and lists what it finds in its console.",
  "scale.fargate.tasks": "How many tasks",
  "scale.fargate.tasks.min": "Minimum",
  "scale.fargate.tasks.desired": "Start with",
  "scale.fargate.tasks.max": "Maximum",
  "scale.fargate.tasksHelp": "The service never runs fewer tasks than the minimum nor more than the maximum (at most 100).",
  "scale.fargate.subnets": "Subnets for the tasks",
  "scale.fargate.subnets.private": "Private",
  "scale.fargate.subnets.public": "Public",
  "scale.fargate.subnets.privateHelp":
    "No public addresses: the tasks pull their image and send their logs through the NAT gateway, so choose one on the Network step.",
  "scale.fargate.subnets.publicHelp":
    "Each task gets a public address (no NAT needed) but only accepts traffic from the load balancer.",
  "scale.fargate.deregistrationDelay": "Deregistration delay (s)",
  "scale.fargate.deregistrationDelayHelp":
    "When the service stops a task (scaling in, or replacing it), the load balancer sends it no new users and lets it finish its requests and sockets for this long (0 to 3600 s).",
  "scale.fargate.providers": "Capacity providers",
  "scale.fargate.providers.fargateBase": "FARGATE base",
  "scale.fargate.providers.fargateWeight": "FARGATE weight",
  "scale.fargate.providers.spotWeight": "FARGATE_SPOT weight",
  "scale.fargate.providersHelp":
    "The first tasks, up to the base, run on FARGATE; the rest are split between FARGATE and FARGATE_SPOT by weight. Spot costs up to 70% less, but AWS can reclaim a Spot task with 2 minutes' notice.",
  "scale.fargate.providers.spot": "Of the {tasks} tasks it starts with, {spot} on Spot.",
  "scale.fargate.providers.neverInterrupt": "Never interrupt the minimum tasks",
  "scale.fargate.providers.neverInterruptHelp":
    "None of the tasks the service keeps at its minimum runs on Spot: the FARGATE base must cover the minimum, or the FARGATE_SPOT weight be 0.",
  "scale.fargate.policy": "What makes it scale",
  "scale.fargate.tracking": "Target tracking",
  "scale.fargate.metric": "Follow",
  "scale.fargate.metric.cpu": "Average CPU (ECSServiceAverageCPUUtilization)",
  "scale.fargate.metric.requestsPerTarget": "Requests per task (ALBRequestCountPerTarget)",
  "scale.fargate.metric.cpuHelp":
    "Tasks are added when the service's average CPU stays above the target, removed when below.",
  "scale.fargate.metric.requestsPerTargetHelp":
    "Tasks are added when each one serves more load balancer requests per minute than the target.",
  "scale.fargate.trackingOffHelp": "The service keeps its number of tasks until you change it (or a scheduled action does).",
  "scale.fargate.target.cpu": "Target CPU (%)",
  "scale.fargate.target.requestsPerTarget": "Requests per minute",
  "scale.fargate.scaleOutCooldown": "Scale-out cooldown (s)",
  "scale.fargate.scaleInCooldown": "Scale-in cooldown (s)",
  "scale.fargate.cooldownHelp":
    "After adding tasks the service waits the scale-out cooldown before adding more; after removing some, the scale-in cooldown, long so that a lull doesn't drop users' sockets (0 to 3600 s).",
  "scale.fargate.schedule": "Scheduled actions",
  "scale.fargate.scheduleHelp":
    "At each time of its cron, in UTC (minute hour day-of-month month day-of-week: 0 8 * * 1-5 is weekdays at 08:00), an action sets the service's minimum and maximum tasks until the next one; target tracking scales between them.",
  "scale.fargate.schedule.none": "No scheduled actions: the service keeps the bounds above at all times.",
  "scale.fargate.schedule.item": "Scheduled action {n}",
  "scale.fargate.schedule.name": "Name",
  "scale.fargate.schedule.cron": "When (cron, UTC)",
  "scale.fargate.schedule.min": "Minimum tasks",
  "scale.fargate.schedule.max": "Maximum tasks",
  "scale.fargate.schedule.add": "Add a scheduled action",
  "scale.fargate.schedule.remove": "Remove",
  "scale.fargate.schedule.removeItem": "Remove scheduled action {n}",
  "scale.fargate.redis": "Redis between the tasks",
  "scale.fargate.redis.valkey": "Valkey, about 20% cheaper (the chat speaks to it as to Redis)",
  "scale.fargate.redis.redis": "Redis OSS, the original engine",
  "scale.fargate.redis.none": "None (a single task)",
  "scale.fargate.redis.nodeType": "Node type",
  "scale.fargate.redis.replicas": "Read replicas",
  "scale.fargate.redis.nodesHelp":
    "An ElastiCache replication group carries each message to the users of every task. With 1 replica or more, in other zones, failover is automatic (at most 5).",
  "scale.fargate.redis.noneHelp":
    "Without Redis a message reaches only the users of the task it was sent to, so the service runs exactly 1 task.",
  "scale.fargate.logs": "Logs",
  "scale.fargate.logRetention": "Keep logs for (days)",
  "scale.fargate.logsHelp": "The tasks' output goes to CloudWatch Logs, kept for one of the periods it offers.",
  "scale.valid.fargate": "The service's settings are valid.",
  "scale.how.fargate":
    "After the apply, Application Auto Scaling adds and removes tasks to keep the metric near its target. The dashboard charts the tasks' CPU, their count and the requests, lets you set the count by hand and sends chat load through the load balancer to watch the service react.",
} as const;

export const es: Record<keyof typeof en, string> = {
  "route.fargate": "Tareas de ECS Fargate tras un balanceador de carga, con Redis",
  "field.route.fargate": "el servicio de Fargate",
  "field.route.fargate.cpu": "la CPU de la tarea",
  "field.route.fargate.memory": "la memoria de la tarea",
  "field.route.fargate.platform": "la plataforma",
  "field.route.fargate.port": "el puerto del contenedor",
  "field.route.fargate.tasks": "el número de tareas",
  "field.route.fargate.tasks.min": "el número mínimo de tareas",
  "field.route.fargate.tasks.desired": "el número inicial de tareas",
  "field.route.fargate.tasks.max": "el número máximo de tareas",
  "field.route.fargate.healthCheckPath": "la ruta de la comprobación de estado",
  "field.route.fargate.subnets": "las subredes de las tareas",
  "field.route.fargate.capacityProviders": "los proveedores de capacidad",
  "field.route.fargate.capacityProviders.fargateBase": "la base de FARGATE",
  "field.route.fargate.capacityProviders.fargateWeight": "el peso de FARGATE",
  "field.route.fargate.capacityProviders.spotWeight": "el peso de FARGATE_SPOT",
  "field.route.fargate.scaling.targetTracking.target": "el objetivo de escalado",
  "field.route.fargate.scaling.targetTracking.scaleOutCooldownSeconds": "la espera tras ampliar",
  "field.route.fargate.scaling.targetTracking.scaleInCooldownSeconds": "la espera tras reducir",
  "field.route.fargate.scaling.scheduled.name.item": "el nombre de la acción programada {n}",
  "field.route.fargate.scaling.scheduled.cron.item": "la expresión cron de la acción programada {n}",
  "field.route.fargate.scaling.scheduled.tasks.item": "las tareas de la acción programada {n}",
  "field.route.fargate.scaling.scheduled.tasks.min.item": "las tareas mínimas de la acción programada {n}",
  "field.route.fargate.scaling.scheduled.tasks.max.item": "las tareas máximas de la acción programada {n}",
  "field.route.fargate.redis": "Redis entre las tareas",
  "field.route.fargate.redis.nodeType": "el tipo de nodo de Redis",
  "field.route.fargate.redis.replicas": "las réplicas de Redis",
  "field.route.fargate.logRetentionDays": "la retención de los registros",
  "field.route.fargate.deregistrationDelaySeconds": "el retardo de anulación del registro",
  "kind.EcrRepository": "Repositorios de contenedores",
  "kind.ContainerImage": "Imágenes de contenedor",
  "kind.LogGroup": "Grupos de registros",
  "kind.CacheSubnetGroup": "Grupos de subredes de Redis",
  "kind.ReplicationGroup": "Grupos de replicación de Redis",
  "kind.EcsCluster": "Clústeres de ECS",
  "kind.TaskDefinition": "Definiciones de tareas",
  "kind.EcsService": "Servicios de ECS",
  "kind.ScalableTarget": "Destinos escalables",
  "kind.ServiceScalingPolicy": "Políticas de escalado del servicio",
  "kind.ServiceScheduledAction": "Acciones programadas del servicio",
  "scale.route.fargate": "Servicio de ECS Fargate",
  "dashboard.group.fargate": "Servicio de ECS",
  "dashboard.running.fargate": "Tareas en ejecución",
  "dashboard.sandboxMetrics.fargate":
    "El sandbox ejecuta cada tarea como un proceso del servidor de chat en este equipo, con un Redis de verdad: la CPU es la que el proceso usa de verdad, el balanceador sirve en loopback, y las políticas de Application Auto Scaling actúan como las de AWS.",
  "dashboard.loadSandbox.fargate":
    "Los clientes del chat se conectan a través del balanceador del sandbox, cada uno fijado a una tarea por su cookie, y envían mensajes a sus salas. Cada mensaje cuesta CPU a su tarea para guardarlo, publicarlo por Redis y entregarlo, así que la CPU del servicio sigue al ritmo de mensajes; las tareas que arrancan después atienden a los clientes que se conectan después.",
  "scale.route.fargateHelp":
    "El chat en contenedores de Fargate tras un Application Load Balancer con sesiones persistentes; Redis lleva los mensajes entre las tareas y Application Auto Scaling añade y quita tareas.",
  "scale.fargate.container": "Contenedor",
  "scale.fargate.size": "Tamaño de la tarea",
  "scale.fargate.size.group": "{cpu} vCPU por tarea",
  "scale.fargate.size.option": "{cpu} vCPU · {memory} GB",
  "scale.fargate.sizeHelp": "CPU y memoria por tarea, en las combinaciones que Fargate ejecuta; Fargate cobra por vCPU y GB por hora.",
  "scale.fargate.platform": "Plataforma",
  "scale.fargate.platform.linux/amd64": "x86-64 de Intel o AMD (linux/amd64)",
  "scale.fargate.platform.linux/arm64": "Graviton de AWS, Arm (linux/arm64)",
  "scale.fargate.platformHelp": "La imagen se construye para esta plataforma; Graviton cuesta un 20 % menos por vCPU y GB.",
  "scale.fargate.port": "Puerto del contenedor",
  "scale.fargate.healthCheckPath": "Ruta de la comprobación de estado",
  "scale.fargate.containerHelp":
    "El puerto en el que escucha el chat y la ruta que el balanceador pide a cada tarea: una tarea que no responde 200 se sustituye.",
  "scale.fargate.repository": "Repositorio de imágenes (ECR)",
  "scale.fargate.repository.immutableTags": "Etiquetas inmutables",
  "scale.fargate.repository.immutableTagsHelp":
    "Una etiqueta subida no puede volver a subirse con otro contenido, así que la imagen que ejecuta el servicio es la que se revisó.",
  "scale.fargate.repository.scanOnPush": "Analizar cada imagen al subirla",
  "scale.fargate.repository.scanOnPushHelp":
    "ECR busca vulnerabilidades conocidas (CVE) en cada imagen subida y muestra lo que encuentra en su consola.",
  "scale.fargate.tasks": "Cuántas tareas",
  "scale.fargate.tasks.min": "Mínimo",
  "scale.fargate.tasks.desired": "Empezar con",
  "scale.fargate.tasks.max": "Máximo",
  "scale.fargate.tasksHelp": "El servicio nunca ejecuta menos tareas que el mínimo ni más que el máximo (como mucho 100).",
  "scale.fargate.subnets": "Subredes de las tareas",
  "scale.fargate.subnets.private": "Privadas",
  "scale.fargate.subnets.public": "Públicas",
  "scale.fargate.subnets.privateHelp":
    "Sin direcciones públicas: las tareas descargan su imagen y envían sus registros por la pasarela NAT, así que elige una en el paso Red.",
  "scale.fargate.subnets.publicHelp":
    "Cada tarea tiene una dirección pública (sin NAT) pero solo acepta tráfico del balanceador.",
  "scale.fargate.deregistrationDelay": "Retardo de anulación del registro (s)",
  "scale.fargate.deregistrationDelayHelp":
    "Cuando el servicio detiene una tarea (al reducir o al sustituirla), el balanceador deja de enviarle usuarios nuevos y le deja terminar sus peticiones y sockets durante este tiempo (de 0 a 3600 s).",
  "scale.fargate.providers": "Proveedores de capacidad",
  "scale.fargate.providers.fargateBase": "Base de FARGATE",
  "scale.fargate.providers.fargateWeight": "Peso de FARGATE",
  "scale.fargate.providers.spotWeight": "Peso de FARGATE_SPOT",
  "scale.fargate.providersHelp":
    "Las primeras tareas, hasta la base, se ejecutan en FARGATE; el resto se reparte entre FARGATE y FARGATE_SPOT según los pesos. Spot cuesta hasta un 70 % menos, pero AWS puede recuperar una tarea de Spot con 2 minutos de aviso.",
  "scale.fargate.providers.spot": "De las {tasks} tareas con las que empieza, {spot} en Spot.",
  "scale.fargate.providers.neverInterrupt": "No interrumpir nunca las tareas mínimas",
  "scale.fargate.providers.neverInterruptHelp":
    "Ninguna de las tareas que el servicio mantiene como mínimo se ejecuta en Spot: la base de FARGATE debe cubrir el mínimo, o el peso de FARGATE_SPOT ser 0.",
  "scale.fargate.policy": "Qué lo hace escalar",
  "scale.fargate.tracking": "Seguimiento de objetivo",
  "scale.fargate.metric": "Seguir",
  "scale.fargate.metric.cpu": "CPU media (ECSServiceAverageCPUUtilization)",
  "scale.fargate.metric.requestsPerTarget": "Peticiones por tarea (ALBRequestCountPerTarget)",
  "scale.fargate.metric.cpuHelp":
    "Se añaden tareas cuando la CPU media del servicio supera el objetivo y se quitan cuando queda por debajo.",
  "scale.fargate.metric.requestsPerTargetHelp":
    "Se añaden tareas cuando cada una atiende más peticiones por minuto del balanceador que el objetivo.",
  "scale.fargate.trackingOffHelp": "El servicio mantiene su número de tareas hasta que lo cambies (o lo cambie una acción programada).",
  "scale.fargate.target.cpu": "CPU objetivo (%)",
  "scale.fargate.target.requestsPerTarget": "Peticiones por minuto",
  "scale.fargate.scaleOutCooldown": "Espera tras ampliar (s)",
  "scale.fargate.scaleInCooldown": "Espera tras reducir (s)",
  "scale.fargate.cooldownHelp":
    "Tras añadir tareas, el servicio espera el tiempo de ampliación antes de añadir más; tras quitar alguna, el de reducción, largo para que una pausa no corte los sockets de los usuarios (de 0 a 3600 s).",
  "scale.fargate.schedule": "Acciones programadas",
  "scale.fargate.scheduleHelp":
    "En cada hora de su cron, en UTC (minuto hora día-del-mes mes día-de-la-semana: 0 8 * * 1-5 es de lunes a viernes a las 08:00), una acción fija las tareas mínimas y máximas del servicio hasta la siguiente; el seguimiento de objetivo escala entre ellas.",
  "scale.fargate.schedule.none": "Sin acciones programadas: el servicio mantiene siempre los límites de arriba.",
  "scale.fargate.schedule.item": "Acción programada {n}",
  "scale.fargate.schedule.name": "Nombre",
  "scale.fargate.schedule.cron": "Cuándo (cron, UTC)",
  "scale.fargate.schedule.min": "Tareas mínimas",
  "scale.fargate.schedule.max": "Tareas máximas",
  "scale.fargate.schedule.add": "Añadir una acción programada",
  "scale.fargate.schedule.remove": "Quitar",
  "scale.fargate.schedule.removeItem": "Quitar la acción programada {n}",
  "scale.fargate.redis": "Redis entre las tareas",
  "scale.fargate.redis.valkey": "Valkey, un 20 % más barato (el chat le habla como a Redis)",
  "scale.fargate.redis.redis": "Redis OSS, el motor original",
  "scale.fargate.redis.none": "Ninguno (una sola tarea)",
  "scale.fargate.redis.nodeType": "Tipo de nodo",
  "scale.fargate.redis.replicas": "Réplicas de lectura",
  "scale.fargate.redis.nodesHelp":
    "Un grupo de replicación de ElastiCache lleva cada mensaje a los usuarios de todas las tareas. Con 1 réplica o más, en otras zonas, la conmutación por error es automática (como mucho 5).",
  "scale.fargate.redis.noneHelp":
    "Sin Redis, un mensaje solo llega a los usuarios de la tarea a la que se envió, así que el servicio ejecuta exactamente 1 tarea.",
  "scale.fargate.logs": "Registros",
  "scale.fargate.logRetention": "Guardar registros (días)",
  "scale.fargate.logsHelp": "La salida de las tareas va a CloudWatch Logs y se guarda durante uno de los periodos que ofrece.",
  "scale.valid.fargate": "La configuración del servicio es válida.",
  "scale.how.fargate":
    "Tras aplicar, Application Auto Scaling añade y quita tareas para mantener la métrica cerca de su objetivo. El panel muestra la CPU de las tareas, cuántas hay y las peticiones, permite fijar su número a mano y envía carga de chat por el balanceador para ver reaccionar al servicio.",
};

/**
 * The route's rule texts, kept apart from its other words: routes share rule names (scalingTarget,
 * schedule) but not what they say, so ../../i18n.ts looks a rule up in the route the Spec uses.
 * Every rule of the route needs a text: one added on the Rust side fails to compile here.
 */
export const rules: Record<Lang, Record<FargateRule, string>> = {
  en: {
    cpuMemory:
      "Choose a task size Fargate runs: 256 to 16384 CPU units (1024 is one vCPU), with a memory Fargate pairs with that CPU.",
    port: "Set {field} from 1 to 65535: the port the chat listens on in each task.",
    tasks:
      "Set {field} so that min ≤ desired ≤ max, with max from 1 to 100 tasks (Escala's cap on a service, so a typo can't run up a bill).",
    healthCheckPath:
      "Make {field} start with /, like /healthz, with at most 1024 printable ASCII characters and no spaces.",
    subnets:
      "Private tasks need private subnets and a NAT gateway (to pull their image and send their logs): choose a NAT on the Network step, or run the tasks in public subnets.",
    loadBalancerZones:
      "Use at least 2 zones with public subnets: the load balancer in front of the service needs public subnets in 2 or more zones, even when its tasks run in private ones.",
    capacityProviders:
      "For the capacity providers, use a FARGATE base of 0 to 100000 and weights of 0 to 1000, at least one of them above 0; to never interrupt the service, have the FARGATE base cover its minimum tasks, or set the FARGATE_SPOT weight to 0.",
    scalingTarget:
      "Set {field} to a CPU percentage above 0 and up to 100 or, when scaling on requests, to at least 1 request per task.",
    cooldown: "Set {field} between 0 and 3600 seconds (1 hour): how long the service waits before it scales again.",
    schedule:
      "Correct {field}: each of the service's scheduled actions needs its own name of 1 to 64 letters, digits, - or _, and a cron expression in UTC with 5 fields (minute hour day-of-month month day-of-week), such as 0 8 * * 1-5.",
    redisNodeType: "Enter an ElastiCache node type offered in the stack's region, such as cache.t4g.micro.",
    redisReplicas: "Set {field} from 0 to 5: ElastiCache takes up to 5 read replicas.",
    singleTask:
      "Without Redis a message reaches only the users of the task it was sent to: keep Redis, or set the tasks to 1/1/1.",
    logRetention:
      "Choose {field} among CloudWatch Logs' periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days.",
    deregistrationDelay:
      "Set {field} between 0 and 3600 seconds (1 hour): how long a stopping task keeps serving its users after it leaves the load balancer.",
  },
  es: {
    cpuMemory:
      "Elige un tamaño de tarea que Fargate ejecute: de 256 a 16384 unidades de CPU (1024 es una vCPU), con una memoria que Fargate combine con esa CPU.",
    port: "Pon {field} entre 1 y 65535: el puerto en el que escucha el chat en cada tarea.",
    tasks:
      "Ajusta {field} para que mínimo ≤ deseado ≤ máximo, con un máximo de 1 a 100 tareas (el tope de Escala para un servicio, para que una errata no dispare la factura).",
    healthCheckPath:
      "Haz que {field} empiece por /, como /healthz, con 1024 caracteres ASCII imprimibles como máximo y sin espacios.",
    subnets:
      "Las tareas privadas necesitan subredes privadas y una pasarela NAT (para descargar su imagen y enviar sus registros): elige una NAT en el paso Red, o ejecuta las tareas en subredes públicas.",
    loadBalancerZones:
      "Usa al menos 2 zonas con subredes públicas: el balanceador de carga delante del servicio necesita subredes públicas en 2 zonas o más, aunque sus tareas se ejecuten en privadas.",
    capacityProviders:
      "Para los proveedores de capacidad, usa una base de FARGATE de 0 a 100000 y pesos de 0 a 1000, al menos uno de ellos mayor que 0; para no interrumpir nunca el servicio, haz que la base de FARGATE cubra sus tareas mínimas, o pon el peso de FARGATE_SPOT a 0.",
    scalingTarget:
      "Pon {field} en un porcentaje de CPU mayor que 0 y de hasta 100 o, si se escala por peticiones, en al menos 1 petición por tarea.",
    cooldown: "Pon {field} entre 0 y 3600 segundos (1 hora): lo que espera el servicio antes de volver a escalar.",
    schedule:
      "Corrige {field}: cada acción programada del servicio necesita un nombre propio de 1 a 64 letras, dígitos, - o _, y una expresión cron en UTC de 5 campos (minuto hora día-del-mes mes día-de-la-semana), por ejemplo 0 8 * * 1-5.",
    redisNodeType: "Escribe un tipo de nodo de ElastiCache disponible en la región de la pila, por ejemplo cache.t4g.micro.",
    redisReplicas: "Pon {field} entre 0 y 5: ElastiCache admite hasta 5 réplicas de lectura.",
    singleTask:
      "Sin Redis, un mensaje solo llega a los usuarios de la tarea a la que se envió: mantén Redis o pon las tareas en 1/1/1.",
    logRetention:
      "Elige {field} entre los periodos de CloudWatch Logs: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 o 3653 días.",
    deregistrationDelay:
      "Pon {field} entre 0 y 3600 segundos (1 hora): lo que una tarea que se detiene sigue atendiendo a sus usuarios después de salir del balanceador.",
  },
};
