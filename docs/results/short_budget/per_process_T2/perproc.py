import json,subprocess,sys,time,os
tasks=[json.loads(l) for l in open(sys.argv[1])]
T=sys.argv[2]; method=sys.argv[3]; out=open(sys.argv[4],'w')
bin_='/tmp/s30/bin/npeps'
for t in tasks:
    p='/tmp/s30/pp_task.json'; json.dump(t,open(p,'w'))
    args=[bin_,'synth',p,'--timeout',T]
    if method!='default': args+=['--method',method]
    t0=time.monotonic(); r=subprocess.run(args,capture_output=True,text=True); w=time.monotonic()-t0
    try: d=json.loads(r.stdout.splitlines()[0])
    except Exception: d={'solved':False,'err':r.stderr[-200:]}
    out.write(json.dumps({'id':t['id'],'solved':d.get('solved'),'wall':round(w,3),'rc':r.returncode,'model_calls':d.get('stats',{}).get('model_calls')})+'\n'); out.flush()
