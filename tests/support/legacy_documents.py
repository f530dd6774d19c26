"""Documents in the shape of the legacy CAP models, one per shipped type.

Written for these tests (not taken from legacy CAP): each fills the fields
the legacy model of its type defines, with the legacy structure (CMS
``analysis_keywords`` by category, ``ana_notes``, ``cadi_info``, ATLAS
``glance_info`` and pyhf ``likelihoods``, LHCb ``stripping_turbo_selection``,
ALICE ``train_analysis``, the stats questionnaire sections ...), so that our
latest version of each type must accept them as they are.
"""

LEGACY_DOCUMENTS = {
    "cms-analysis": {
        "general_title": "Search for dark photons in dimuon events",
        "basic_info": {
            "cadi_id": "EXO-19-018",
            "abstract": "A search for a narrow resonance decaying to two muons.",
            "conclusion": "No excess is seen; limits are set on the kinetic mixing.",
            "ana_notes": ["AN-2019/042"],
            "analysis_keywords": {
                "collision_system": ["p-p"],
                "accelerator_parameters": ["13 TeV"],
                "physics_theme": ["Searches for physics beyond the Standard Model"],
                "final_states": ["Muon", "Di-lepton; opposite charge"],
                "further_search_categorisation": ["Dark Matter & Dark sector"],
            },
        },
        "analysis_reuse_mode": "on",
        "cadi_info": {
            "name": "Dark photons decaying to muons",
            "description": "Scouting data search",
            "status": "PUB",
            "publication_status": "Published",
            "contact": "Ana Lima",
            "created": "12/03/2019",
            "paper": "CMS-EXO-19-018",
            "pas": "CMS-PAS-EXO-19-018",
            "twiki": "https://twiki.cern.ch/twiki/bin/view/CMS/EXO-19-018",
        },
        "input_data": {
            "primary_datasets": [
                {
                    "path": "/ScoutingCaloMuon/Run2017C-v1/RAW",
                    "year": 2017,
                    "triggers": [{"trigger": "DST_DoubleMu3_noVtx_CaloScouting_v*", "prescale": 1}],
                }
            ],
            "mc_sig_datasets": ["/ZdToMuMu_M-20_13TeV/RunIIFall17DRPremix-v1/AODSIM"],
            "mc_bg_datasets": ["/DYJetsToLL_M-10to50_13TeV/RunIIFall17DRPremix-v1/AODSIM"],
            "custom_datasets": [{"type": "Primary dataset", "path": "/Private/Skim-v1/USER"}],
            "json_files": ["Cert_294927-306462_13TeV.txt"],
        },
        "ntuples_production": [
            {
                "code_base": "ntuples.tar.gz",
                "processing_steps": [
                    {"configuration_file": "ntuple_cfg.py", "output_data": "ntuple.root"}
                ],
            }
        ],
        "main_measurements": [
            {
                "description": "Dimuon mass spectrum fit",
                "signal_event_selection": {"physics_objects": [{"object": "muon"}]},
            }
        ],
        "systematic_uncertainties": [{"type": "assocciated_to_luminosity", "statement": "2.3 %"}],
        "auxiliary_measurements": [{"type": "trigger_efficiencies", "links": ["trigger_eff.py"]}],
        "background_estimations": [{"method": "sideband fit"}],
        "final_results": {
            "code_base": "limits.tar.gz",
            "processing_steps": [{"run_instructions": "README.md"}],
        },
        "additional_resources": {
            "comments": "Scouting stream",
            "presentations": [{"conference": "EXO meeting", "items": "slides.pdf"}],
            "documentations": ["notes.pdf"],
            "publications": [
                {"journal_title": "PRL", "persistent_identifiers": ["arXiv:1912.04776"]}
            ],
            "keywords": "dark photon",
            "internal_discussions": ["https://hypernews.cern.ch/HyperNews/CMS/get/EXO-19-018.html"],
        },
    },
    "atlas-analysis": {
        "general_title": "Search for top squarks in the one-lepton final state",
        "basic_info": {
            "analysis_title": "Stop 1L",
            "glance_id": "ANA-SUSY-2018-07",
            "abstract": "Top squark pair production with one isolated lepton.",
            "people_info": [
                {"name": "Kim Park", "email": "kim.park@cern.ch", "orcid": "0000-0002-1825-0097"}
            ],
        },
        "glance_info": {
            "id": "1234",
            "short_title": "Stop 1L",
            "full_title": "Search for top squarks",
            "pub_short_title": "Stop 1L",
            "ref_code": "ANA-SUSY-2018-07",
            "creation_date": "2018-03-01",
            "status": "Phase 1",
            "gitlab_group": {
                "id": "42",
                "projects": [{"id": "7", "url": "https://gitlab.cern.ch/a/b"}],
            },
            "phase_0": [
                {
                    "id": "1",
                    "model_tested": "stop",
                    "main_physics_aim": "discovery",
                    "dataset_used": "Run 2",
                    "methods": "cut and count",
                }
            ],
        },
        # The legacy atlas-dataset and atlas-workflows fields.
        "input_datasets": [{"dataset_title": "data18_13TeV", "type": "data", "format": "DAOD"}],
        "workflows": [{"workflow_title": "Stop 1L", "workflow": {"stages": [{"name": "fit"}]}}],
        "likelihoods": {
            "channels": [{"name": "SR", "samples": []}],
            "parameters": [{"name": "mu_SIG", "bounds": [[0, 10]]}],
        },
        "limits": {"expected": "1.2 TeV"},
        "publications": [{"type": "paper", "access": "public", "url": "https://cds.cern.ch/x",
                          "comment": "Eur. Phys. J. C 80 (2020) 737"}],
    },
    "atlas-workflows": {
        "general_title": "Stop 1L RECAST",
        "workflows": [{"analysis_title": "Stop 1L", "workflow": {"stages": [{"name": "select"}]}}],
    },
    "lhcb": {
        "general_title": "Measurement of the CKM angle gamma",
        "basic_info": {
            "analysis_title": "gamma from B to DK",
            "measurement": "gamma",
            "analysis_status": "6 - CONF note published",
            "institutes": "B2OC",
            "keywords": "CP violation, gamma",
            "review_egroup": "lhcb-b2oc-review",
            "analysis_proponents": [{"name": "Eva Novak", "orcid": "0000-0001-2345-6789"}],
            "reviewers": [{"name": "Tom Reed", "orcid": "0000-0002-3456-7890"}],
        },
        "stripping_turbo_selection": [
            {
                "dataset_type": "real_data",
                "name": "B2DK",
                "stripping_turbo_line": "B2D0KD2HHBeauty2CharmLine",
                "bookkeping_locations": [
                    "/LHCb/Collision16/Beam6500GeV-VeloClosed-MagDown/Real Data/Reco16/"
                    "Stripping28r1/90000000/BHADRON.MDST"
                ],
            }
        ],
        "ntuple_userdst_production": [
            {
                "name": "ntuples 2016",
                "input_dataset": "BHADRON.MDST",
                "davinci_version": "v44r3",
                "platform": "x86_64-centos7-gcc62-opt",
                "davinci_scripts": ["options.py"],
                "ganga_scripts": ["submit.py"],
                "output_eos_location": "/eos/lhcb/user/e/enovak",
                "wg_production_bk_path": "/LHCb/WG/B2OC",
            }
        ],
        "additional_resources": {
            "publications": [
                {
                    "arxiv_id": "2010.08483",
                    "analysis_number": "LHCb-ANA-2019-001",
                    "twiki": "https://twiki.cern.ch/x",
                    "url": "https://cds.cern.ch/y",
                }
            ],
            "internal_discussions": [
                {"title": "WG meeting", "url": "https://indico.cern.ch/z", "meeting": "B2OC"}
            ],
            "presentations": [
                {"title": "Approval", "url": "https://indico.cern.ch/w", "meeting": "PPTS"}
            ],
            "documentations": [{"title": "ANA note", "url": "https://cds.cern.ch/v"}],
        },
        "user_analysis": {
            "additional_repos": ["https://gitlab.cern.ch/lhcb/gamma"],
            "basic_scripts": {"command": "python run.py", "scripts": ["run.py"]},
            "gitlab_links": ["https://gitlab.cern.ch/lhcb/gamma-fit"],
            "docker_registries": ["gitlab-registry.cern.ch/lhcb/gamma:v1"],
        },
    },
    "alice-analysis": {
        "general_title": "Charged-particle multiplicity in Pb-Pb collisions",
        "basic_info": {
            "analysis_title": "dNdeta PbPb 5.02",
            "description": "Pseudorapidity density",
        },
        "train_analysis": [
            {
                "train_id": "1234",
                "run_id": "567",
                "wagon_names": "dNdeta",
                "dataset": "LHC15o",
                "dataset_aod": "AOD194",
                "reference_production": "LHC16g1",
                "ali_physics": "vAN-20200101-1",
                "run": [{"name": "good runs", "run_numbers": ["244918", "244975"]}],
                "configuration_files": [
                    {"name": {"url": "https://alimonitor.cern.ch/trains/1234/config"}}
                ],
                "derived_dataset": [{"name": "dNdeta output"}],
            }
        ],
    },
    "cms-stats-questionnaire": {
        "general_title": "Statistics questionnaire of HIG-21-004",
        "analysis_context": {
            "name": "Maria Rossi",
            "email": "maria.rossi@cern.ch",
            "wg": "HIG",
            "cadi_id": "HIG-21-004",
            "title_references": "HH to bbtautau, AN-2019/154",
            "next_deadline_date": "2022-03-01",
            "analysis_summary": "Search for HH in bbtautau with the full Run 2 data.",
            "related_cadi_ids": "HIG-17-002",
        },
        "general_information": {
            "aware_twiki": "Yes",
            "aware_sc_answer": "Yes",
            "hn_subscription": "No",
            "sc_interaction": "Yes",
            "aware_sc_meetings": "No",
        },
        "multivariate_discriminants": {
            "read_sc_twiki": "Yes",
            "mva_use": "Yes",
            "use_of_centralized_cms_apps": {"options": ["DeepTau", "DeepJet"]},
            "tools": {"options": ["Keras", "Other"], "other": "XGBoost"},
            "equivalent_cut_based_analysis": "N/A",
            "ml_use_description": "A DNN separates HH from tt.",
        },
        "ml_app_use": [
            {"app_name": "HH DNN", "use": {"options": "signal/background discrimination"}}
        ],
        "ml_survey": {"options": "No"},
        "data_fitting": {
            "analysis_fitting": "Yes",
            "analysis_fitting_specifics": "Binned ML fit",
            "functional_forms": {"options": ["Histograms/Templates"]},
            "gof": {"use_options": "Yes", "p_values": ["5%-99%"]},
        },
        "confidence_intervals_limits": {
            "limits_on_parameters": "Yes",
            "bayesian_approaches": {"options": ["Modified frequentist limits (CLs)"]},
        },
        "discovery": {"discovery_twiki": "Yes", "discovery_related_statements": "No"},
        "unfolding": {"is_used": "No"},
        "systematic_uncertainties": {"twiki": "Yes", "cross_check": {"options": "Yes"}},
        "parton_distribution_functions": {
            "pdf_uncertainty": {
                "options": "You are using a different procedure",
                "reason": "PDF4LHC21",
            }
        },
        "other_stats": {"blind_analysis": {"options": "We do not perform a blind analysis"}},
        "comments_and_feedback": {
            "feedback_not_frozen": {"options": "Everything is frozen"},
            "comments": "None",
            "suggestions": "None",
        },
    },
}
